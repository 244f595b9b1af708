import type { SourceSettings } from "./types.js";

/**
 * An adapter's settings as they may be shown. Every header value counts as a secret (Authorization,
 * tenant and API-key headers look alike), and so do the URL's credentials and query parameters, which
 * some APIs take keys in.
 */
export function sourceSettings(options: { url: string; site?: string; timeoutMs: number; headers?: Record<string, string> | undefined; keys?: string[] }): SourceSettings {
  const secretFields = Object.keys(options.headers ?? {}).map((header) => `headers.${header}`);
  let url: string | null = null;
  try {
    const parsed = new URL(options.url);
    if (parsed.username || parsed.password) secretFields.push("url.credentials");
    for (const key of new Set(parsed.searchParams.keys())) secretFields.push(`url.query.${key}`);
    url = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
  } catch {
    // Unparseable, so it cannot be shown safely: the adapter reports the same URL as unreachable.
  }
  secretFields.push(...(options.keys ?? []));
  return { url, ...(options.site ? { site: options.site } : {}), timeoutMs: options.timeoutMs, secretFields };
}

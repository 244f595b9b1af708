import { parseJsonPath, selectJsonPath } from "../analysis/json-path.js";
import { fetchJson } from "./http-client.js";
import { sourceSettings } from "./source-settings.js";
import { SourceError, type HttpJsonSource, type MetricSource, type QueryWindow, type SeriesData } from "./types.js";

export interface HttpJsonSourceOptions {
  name: string;
  /** Base URL every path is resolved under, e.g. https://ci.example.com/api/ (its path is a fence). */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * A JSON HTTP endpoint (Azure's "Invoke REST API" gate). Gates name only a path under the configured base
 * URL, never a host, so a gate cannot make the service call an arbitrary address.
 *
 * As a metric source, a query is `<path> <jsonpath>`, one space between them: the path may hold
 * `{{start}}` and `{{end}}` (the window's bounds in whole unix seconds), and the JSONPath must select
 * numbers (each stamped at the window's end) or `[unix seconds, number]` pairs.
 */
export function createHttpJsonSource(
  options: HttpJsonSourceOptions,
): HttpJsonSource & MetricSource & Required<Pick<MetricSource, "queryLink">> {
  const base = new URL(options.url);
  // A trailing slash makes relative paths resolve under the base path rather than beside it.
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  base.hash = "";
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function request(path: string, init: { method: "GET" | "POST"; body?: unknown }, signal?: AbortSignal): Promise<unknown> {
    const target = resolvePath(base, path);
    // Query parameters of the base URL (an API key, say) go with every call but never into a link.
    for (const [key, value] of base.searchParams) if (!target.searchParams.has(key)) target.searchParams.append(key, value);
    const hasBody = init.body !== undefined;
    return fetchJson(target.toString(), {
      method: init.method,
      headers: hasBody ? { "content-type": "application/json", ...options.headers } : options.headers,
      body: hasBody ? JSON.stringify(init.body) : undefined,
      timeoutMs,
      signal,
    });
  }

  return {
    name: options.name,
    type: "http",
    settings: sourceSettings({ url: options.url, timeoutMs, headers: options.headers }),
    request,

    async queryRange(query: string, window: QueryWindow, signal?: AbortSignal): Promise<SeriesData | null> {
      const { path, jsonPath } = splitQuery(query, window);
      const answer = await request(path, { method: "GET" }, signal);
      const selected = selectJsonPath(jsonPath, answer);
      if (selected.length === 0) return null;
      return toSeries(selected, jsonPath, window, options.name);
    },

    queryLink(query: string, window: QueryWindow): string {
      let link: URL;
      try {
        link = resolvePath(base, splitQuery(query, window).path);
      } catch {
        link = new URL(base);
        link.search = "";
      }
      link.username = "";
      link.password = "";
      return link.toString();
    },
  };
}

/**
 * The URL for a path under the base. Refuses absolute URLs, `//host`, and any path whose `..` segments
 * (plain or percent-encoded) would leave the base path.
 */
function resolvePath(base: URL, path: string): URL {
  const refuse = (why: string) => new SourceError("query", `the path ${JSON.stringify(path)} ${why}; give a path relative to the source's URL`);
  if (/^[a-z][a-z\d+.-]*:/i.test(path)) throw refuse("is an absolute URL");
  if (/^[\\/]{2}/.test(path)) throw refuse("names a host");
  // URL parsing drops tabs and newlines and reads "\" as "/", which would let a path slip past the checks here.
  if ([...path].some((ch) => ch <= " " || ch === "\u007f" || ch === "\\")) throw refuse("contains whitespace, control characters or a backslash");
  const target = new URL(path.replace(/^\//, ""), base);
  target.hash = "";
  if (target.origin !== base.origin || !target.pathname.startsWith(base.pathname)) throw refuse("leaves the base path");
  const hidden = target.pathname.split("/").some((segment) => {
    const decoded = safeDecode(segment);
    return decoded !== segment && decoded.split(/[\\/]/).some((part) => part === ".." || part === ".");
  });
  if (hidden) throw refuse("hides a .. segment in percent-encoding");
  return target;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function splitQuery(query: string, window: QueryWindow): { path: string; jsonPath: string } {
  const space = query.indexOf(" ");
  if (space <= 0) throw new SourceError("query", 'an http query is "<path> <jsonpath>", e.g. "status?from={{start}} $.errors"');
  const seconds = (date: Date) => String(Math.floor(date.getTime() / 1000));
  const path = query.slice(0, space).replaceAll("{{start}}", seconds(window.start)).replaceAll("{{end}}", seconds(window.end));
  const unknown = /\{\{[^}]*\}\}/.exec(path);
  if (unknown) throw new SourceError("query", `unknown placeholder ${unknown[0]} in the path; the placeholders are {{start}} and {{end}}`);
  const jsonPath = query.slice(space + 1).trim();
  const checked = parseJsonPath(jsonPath);
  if (!checked.ok) throw new SourceError("query", `invalid JSONPath ${jsonPath}: ${checked.error}`);
  return { path, jsonPath };
}

/** Numbers become points at the window's end; [timestamp, value] pairs keep their own time. */
function toSeries(selected: unknown[], jsonPath: string, window: QueryWindow, name: string): SeriesData {
  const isPair = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number");
  const pairs = isPair(selected[0]);
  const wrong = selected.findIndex((v) => (pairs ? !isPair(v) : typeof v !== "number"));
  if (wrong >= 0) {
    const value = selected[wrong];
    const listOfPoints = Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "number" || isPair(v));
    const hint = listOfPoints ? "; to use a list's elements, end the JSONPath with [*]" : "";
    throw new SourceError(
      "bad-response",
      `${name}: the JSONPath ${jsonPath} selected ${describe(value)} (match ${wrong + 1} of ${selected.length}); ` +
        `a metric query needs numbers or [timestamp, value] pairs${hint}`,
    );
  }
  if (pairs) {
    const points = (selected as Array<[number, number]>).slice().sort((a, b) => a[0] - b[0]);
    return { labels: {}, timestamps: points.map(([t]) => t), values: points.map(([, v]) => v) };
  }
  const end = window.end.getTime() / 1000;
  return { labels: {}, timestamps: selected.map(() => end), values: selected as number[] };
}

/** The kind of a value, never its content: a response may carry data that does not belong in a message. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return `a ${typeof value}`;
}

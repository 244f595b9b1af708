import { fetchJson } from "./http-client.js";
import { SourceError } from "./types.js";

export interface DatadogApiOptions {
  name: string;
  /** Datadog site, e.g. datadoghq.com (default), datadoghq.eu, us3.datadoghq.com, ddog-gov.com. */
  site?: string;
  /** Overrides the API origin derived from the site (tests, proxies). */
  baseUrl?: string;
  apiKey: string;
  applicationKey: string;
  timeoutMs?: number;
}

export interface DatadogRequest {
  signal?: AbortSignal | undefined;
  /** The permission the endpoint needs, named in a 401/403 message. */
  permission: "monitors_read" | "timeseries_query";
  /** Statuses whose `{"errors": [...]}` body the caller interprets itself. */
  acceptStatuses?: readonly number[];
}

/** A Datadog API client: the keys live here and only here. */
export interface DatadogApi {
  readonly name: string;
  /** Origin of the web UI, for links: https://app.datadoghq.com, https://us3.datadoghq.com, ... */
  readonly appUrl: string;
  get(path: string, params: Record<string, string>, request: DatadogRequest): Promise<unknown>;
  /** Runs an adapter call so that only SourceErrors leave it, and none of them carries a key. */
  guard<T>(work: () => Promise<T>): Promise<T>;
}

export function createDatadogApi(options: DatadogApiOptions): DatadogApi {
  const hosts = datadogHosts(options.site ?? "datadoghq.com");
  const base = `${(options.baseUrl ?? hosts.api).replace(/\/+$/, "")}/`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const headers = { "DD-API-KEY": options.apiKey, "DD-APPLICATION-KEY": options.applicationKey };
  const secrets = [options.apiKey, options.applicationKey].filter((key) => key.length > 0);
  const redact = (text: string) => secrets.reduce((acc, key) => acc.split(key).join("[redacted]"), text);

  return {
    name: options.name,
    appUrl: hosts.app,

    async get(path, params, request) {
      const url = new URL(path, base);
      url.search = new URLSearchParams(params).toString();
      try {
        return await fetchJson(url.toString(), {
          headers,
          timeoutMs,
          signal: request.signal,
          acceptStatuses: request.acceptStatuses,
          // Datadog says when its rate-limit period resets, in seconds (X-RateLimit-Reset).
          retryAfterHeaders: ["retry-after", "x-ratelimit-reset"],
        });
      } catch (err) {
        throw explain(err, options.name, `/${path}`, request.permission);
      }
    },

    async guard(work) {
      try {
        return await work();
      } catch (err) {
        if (err instanceof SourceError) {
          const message = redact(err.message);
          throw message === err.message ? err : new SourceError(err.kind, message, err.status);
        }
        const detail = err instanceof Error ? redact(err.message) : "unknown error";
        throw new SourceError("bad-response", `${options.name}: unexpected failure reading Datadog: ${detail}`);
      }
    },
  };
}

/** API and UI origins of a site: regional sites (us3.datadoghq.com) serve the UI on the site itself. */
export function datadogHosts(site: string): { api: string; app: string } {
  const bare = site
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/.*$/, "")
    .replace(/^(app|api)\./, "");
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(bare)) {
    throw new SourceError("unreachable", `"${site}" is not a Datadog site such as datadoghq.com or datadoghq.eu`);
  }
  const regional = bare.split(".").length > 2;
  return { api: `https://api.${bare}`, app: `https://${regional ? bare : `app.${bare}`}` };
}

/** The first message of Datadog's error envelope `{"errors": ["..."]}`. */
export function firstError(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("errors" in body)) return undefined;
  const { errors } = body as { errors: unknown };
  if (!Array.isArray(errors)) return undefined;
  const first: unknown = errors[0];
  return typeof first === "string" ? first : first === undefined ? "(no message)" : JSON.stringify(first);
}

/**
 * Rewords fetchJson's HTTP errors for Datadog: a refused key says which permission to check, and an
 * error envelope contributes its first message (fetchJson has already redacted the header values).
 */
function explain(err: unknown, name: string, path: string, permission: string): unknown {
  if (!(err instanceof SourceError)) return err;
  if (err.kind !== "http-status" || err.status === undefined) return new SourceError(err.kind, `${name}: ${err.message}`, err.status);
  const detail = errorInSnippet(err.message);
  if (err.status === 401 || err.status === 403) {
    return new SourceError(
      "http-status",
      `${name}: Datadog answered HTTP ${err.status} for ${path}: forbidden${detail && !/^forbidden$/i.test(detail) ? ` (${detail})` : ""}: ` +
        `check the API key and the application key's permissions (${permission})`,
      err.status,
    );
  }
  return detail
    ? new SourceError("http-status", `${name}: Datadog answered HTTP ${err.status} for ${path}: ${detail}`, err.status)
    : new SourceError("http-status", `${name}: ${err.message}`, err.status);
}

/** fetchJson quotes the start of an error body; the envelope's first string, when it is there. */
function errorInSnippet(message: string): string | undefined {
  const match = /"errors"\s*:\s*\[\s*"((?:[^"\\]|\\.)*)"/.exec(message);
  if (!match) return undefined;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return undefined;
  }
}

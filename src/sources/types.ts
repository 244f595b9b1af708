import type { MonitorReport } from "../analysis/monitor-types.js";

export type { MonitorReport, MonitorState, MonitorStatus } from "../analysis/monitor-types.js";

/** A time range to query, with the resolution of the returned points. */
export interface QueryWindow {
  start: Date;
  end: Date;
  /** Seconds between points. */
  stepSeconds: number;
}

/** One series as a source returns it: timestamps in seconds, values as numbers (NaN kept). */
export interface SeriesData {
  labels: Record<string, string>;
  timestamps: number[];
  values: number[];
}

/** Per-step histogram counts: `counts[step][bucket]`, cumulative over the ascending bounds `le` (+Inf last). */
export interface BucketSeries {
  le: number[];
  timestamps: number[];
  counts: number[][];
}

export type SourceErrorKind =
  | "unreachable"
  | "timeout"
  | "http-status"
  | "bad-response"
  | "query"
  | "too-many-series";

/**
 * How a source is configured, as it may be shown to an admin: the URL without credentials, query or
 * fragment, and only the names of the fields that hold secrets, never their values.
 */
export interface SourceSettings {
  url: string | null;
  /** The Datadog site the API and links belong to. */
  site?: string;
  timeoutMs: number;
  /** Header values, API keys, URL credentials and URL query parameters, by field name. */
  secretFields: string[];
}

/** The only error a source adapter lets out: typed, with a message safe to show (no secrets). */
export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A metrics backend. Returns the single series the query selects, or null when it selects none. */
export interface MetricSource {
  readonly name: string;
  readonly type: string;
  readonly settings?: SourceSettings;
  queryRange(query: string, window: QueryWindow, signal?: AbortSignal): Promise<SeriesData | null>;
  /** Histogram bucket counts per step for a `_bucket` selector, or null when it selects nothing. */
  queryBuckets?(selector: string, window: QueryWindow, signal?: AbortSignal): Promise<BucketSeries | null>;
  /** A link that opens the query over the window in the backend's own UI. */
  queryLink?(query: string, window: QueryWindow): string;
}

/** What a monitor check selects; each backend supports some of these. */
export interface MonitorQuery {
  /** Regex over alerting rule / alert names (Prometheus, Alertmanager). */
  alertname?: string | undefined;
  /** PromQL-style label matchers, e.g. `service="shop", severity=~"critical|page"` (Prometheus, Alertmanager). */
  selector?: string | undefined;
  /** Datadog monitor search query, e.g. `tag:"service:shop" tag:"env:prod"`. */
  search?: string | undefined;
  /** Explicit monitor ids (Datadog). */
  ids?: string[] | undefined;
}

/** A backend of monitor states (alerts). */
export interface MonitorSource {
  readonly name: string;
  readonly type: string;
  readonly settings?: SourceSettings;
  listMonitors(query: MonitorQuery, window: { start: Date; end: Date }, signal?: AbortSignal): Promise<MonitorReport>;
}

/** An HTTP JSON endpoint, read by `type: http` checks (Azure's "Invoke REST API" gate). */
export interface HttpJsonSource {
  readonly name: string;
  readonly type: "http";
  readonly settings?: SourceSettings;
  /** Calls `path` (already rendered) on the configured base URL with the configured headers; returns parsed JSON. */
  request(path: string, options: { method: "GET" | "POST"; body?: unknown }, signal?: AbortSignal): Promise<unknown>;
}

import { z } from "zod";
import { fetchJson } from "./http-client.js";
import { createRequestSlots } from "./request-slots.js";
import { sourceSettings } from "./source-settings.js";
import { SourceError, type BucketSeries, type MetricSource, type QueryWindow, type SeriesData } from "./types.js";

export interface PrometheusSourceOptions {
  name: string;
  /** Base URL of the server, e.g. http://prometheus:9090 (a path prefix is kept). */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Queries in flight at once from this process; more wait their turn. Default 16. */
  maxConcurrentQueries?: number;
}

// https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries
type Sample = [number, string];
// Checked in one pass without copying: a zod tuple per sample costs several objects for each of
// thousands of points, which is most of what reading an answer allocates.
const Samples = z.custom<Sample[]>((value) => Array.isArray(value) && value.every(isSample), "samples must be [unix seconds, \"value\"] pairs");
const QueryRangeResponse = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("success"),
    data: z.object({
      resultType: z.string(),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: Samples.default([]) })),
    }),
  }),
  z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() }),
]);

const SHOWN_SERIES = 3;
// Prometheus evaluates 20 queries at a time by default (--query.max-concurrency); more open requests only wait there.
const DEFAULT_CONCURRENT_QUERIES = 16;

export function createPrometheusSource(options: PrometheusSourceOptions): MetricSource {
  // A trailing slash makes relative paths resolve under a prefix such as /prometheus/.
  const base = options.url.endsWith("/") ? options.url : `${options.url}/`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const slots = createRequestSlots(options.maxConcurrentQueries ?? DEFAULT_CONCURRENT_QUERIES, options.name);

  async function rangeQuery(query: string, window: QueryWindow, signal?: AbortSignal) {
    const url = new URL("api/v1/query_range", base);
    url.search = new URLSearchParams({
      query,
      start: String(window.start.getTime() / 1000),
      end: String(window.end.getTime() / 1000),
      step: String(window.stepSeconds),
    }).toString();
    // 400 (bad_data) and 422 (execution) carry Prometheus's own explanation in the JSON envelope.
    // Uncompressed: an answer is parsed whole anyway, and gzip costs Prometheus and this process more CPU
    // per query than the bytes it saves on the way, plus a decompression stream per open request.
    const request = { headers: options.headers, timeoutMs, signal, acceptStatuses: [400, 422], compressed: false };
    const body = await slots(() => fetchJson(url.toString(), request), signal);
    const parsed = QueryRangeResponse.safeParse(body);
    if (!parsed.success) throw new SourceError("bad-response", `${options.name}: not a Prometheus query_range answer`);
    const answer = parsed.data;
    if (answer.status === "error") {
      throw new SourceError("query", `Prometheus rejected the query (${answer.errorType}): ${answer.error}`);
    }
    if (answer.data.resultType !== "matrix") {
      throw new SourceError("bad-response", `${options.name}: expected a matrix, got ${answer.data.resultType}`);
    }
    return answer.data.result;
  }

  return {
    name: options.name,
    type: "prometheus",
    settings: sourceSettings({ url: options.url, timeoutMs, headers: options.headers }),

    async queryRange(query: string, window: QueryWindow, signal?: AbortSignal): Promise<SeriesData | null> {
      const series = await rangeQuery(query, window, signal);
      const [first] = series;
      if (!first) return null;
      if (series.length > 1) throw tooManySeries(series.map((s) => s.metric));
      const timestamps = new Array<number>(first.values.length);
      const values = new Array<number>(first.values.length);
      first.values.forEach((sample, i) => {
        timestamps[i] = sample[0];
        values[i] = parseSampleValue(sample[1]);
      });
      return { labels: first.metric, timestamps, values };
    },

    async queryBuckets(selector: string, window: QueryWindow, signal?: AbortSignal): Promise<BucketSeries | null> {
      const series = await rangeQuery(`sum by (le) (increase(${selector}[${window.stepSeconds}s]))`, window, signal);
      if (series.length === 0) return null;
      return toBucketSeries(series, selector);
    },

    queryLink(query: string, window: QueryWindow): string {
      const link = new URL("graph", base);
      // Credentials in the configured URL must not end up in a link shown to people.
      link.username = "";
      link.password = "";
      const rangeSeconds = Math.max(1, Math.round((window.end.getTime() - window.start.getTime()) / 1000));
      // Parameter names read by both the classic/React UI (2.x) and the Mantine UI (3.x); tab 0 is the graph.
      link.search = [
        `g0.expr=${encodeURIComponent(query)}`,
        "g0.tab=0",
        `g0.range_input=${rangeSeconds}s`,
        `g0.end_input=${encodeURIComponent(window.end.toISOString())}`,
        `g0.step_input=${window.stepSeconds}`,
      ].join("&");
      return link.toString();
    },
  };
}

function isSample(sample: unknown): sample is Sample {
  return Array.isArray(sample) && sample.length === 2 && typeof sample[0] === "number" && typeof sample[1] === "string";
}

/** Prometheus writes non-finite values as "NaN", "+Inf" and "-Inf"; Number() knows only the first. */
function parseSampleValue(value: string): number {
  if (value === "+Inf") return Infinity;
  if (value === "-Inf") return -Infinity;
  return Number(value);
}

/** A check compares one series; say which labels split the result so the fix is obvious. */
function tooManySeries(metrics: Record<string, string>[]): SourceError {
  const keys = [...new Set(metrics.flatMap((m) => Object.keys(m)))].filter(
    (key) => new Set(metrics.map((m) => m[key])).size > 1,
  );
  const shown = metrics
    .slice(0, SHOWN_SERIES)
    .map((m) => `{${keys.map((k) => `${k}="${m[k] ?? ""}"`).join(", ")}}`)
    .join(", ");
  const more = metrics.length > SHOWN_SERIES ? `, and ${metrics.length - SHOWN_SERIES} more` : "";
  return new SourceError(
    "too-many-series",
    `the query returns ${metrics.length} series (${shown}${more}) but a check needs exactly one; ` +
      "wrap it in an aggregation such as sum(...), max(...), or histogram_quantile(0.99, sum by (le) (rate(...[5m]))) for histograms",
  );
}

/**
 * Per-step bucket counts from one series per `le`. `increase()` extrapolates each bucket on its own, so
 * the cumulative counts are made non-decreasing in `le`; steps missing from a bucket count as zero.
 */
function toBucketSeries(series: Array<{ metric: Record<string, string>; values: Sample[] }>, selector: string): BucketSeries {
  const withBound = series.map((s) => ({ le: s.metric.le === undefined ? Number.NaN : parseSampleValue(s.metric.le), values: s.values }));
  if (withBound.some((s) => Number.isNaN(s.le))) {
    throw new SourceError("bad-response", `the histogram selector ${selector} returned series without an \`le\` label; select the _bucket series`);
  }
  withBound.sort((a, b) => a.le - b.le);
  if (withBound.at(-1)?.le !== Infinity) {
    throw new SourceError("bad-response", `the histogram selector ${selector} has no le="+Inf" bucket`);
  }
  const seen = new Set<number>();
  for (const s of withBound) for (const sample of s.values) seen.add(sample[0]);
  const timestamps = [...seen].sort((a, b) => a - b);
  const rowOf = new Map(timestamps.map((t, row) => [t, row]));
  const counts = timestamps.map(() => new Array<number>(withBound.length).fill(0));
  withBound.forEach((s, bucket) => {
    for (const sample of s.values) {
      const value = parseSampleValue(sample[1]);
      if (Number.isFinite(value) && value > 0) (counts[rowOf.get(sample[0]) ?? 0] as number[])[bucket] = value;
    }
  });
  for (const row of counts) for (let bucket = 1; bucket < row.length; bucket++) row[bucket] = Math.max(row[bucket] as number, row[bucket - 1] as number);
  return { le: withBound.map((s) => s.le), timestamps, counts };
}

import { counterSeries, gaugeSeries, type OpenMetricsSeries } from "../test/helpers/prometheus.js";
import { api, pool } from "./lib.js";

/** Upper bounds of the benchmark latency histogram, in seconds. */
const BUCKETS = [0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.3, 0.4, 0.5, 1, Number.POSITIVE_INFINITY];
const STEP_SECONDS = 15;

function mulberry32(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 on erf): enough for synthetic bucket shares. */
function phi(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * A service's latency histogram and request counters for one version, every 15 s: log-normal
 * latency (median `median`, log-SD 0.25), 200 requests a second with Poisson-like noise.
 */
function versionSeries(service: string, version: string, fromSec: number, toSec: number, median: number, errorRate: number, seed: number): OpenMetricsSeries[] {
  const next = mulberry32(seed);
  const steps = Math.floor((toSec - fromSec) / STEP_SECONDS);
  const shares = BUCKETS.map((bound) => (Number.isFinite(bound) ? phi(Math.log(bound / median) / 0.25) : 1));
  const buckets = BUCKETS.map(() => [] as number[]);
  const totals = BUCKETS.map(() => 0);
  const ok: number[] = [];
  const failed: number[] = [];
  let okTotal = 0;
  let failedTotal = 0;
  for (let step = 0; step < steps; step += 1) {
    const requests = Math.round(3000 * (1 + 0.05 * (next() - 0.5)));
    let previous = 0;
    shares.forEach((share, index) => {
      // Cumulative counts must not decrease across buckets: jitter each bucket's own increment.
      const own = Math.max(0, Math.round(requests * (share - (index === 0 ? 0 : (shares[index - 1] ?? 0))) * (1 + 0.1 * (next() - 0.5))));
      previous += own;
      totals[index] = (totals[index] ?? 0) + previous;
    });
    totals.forEach((total, index) => buckets[index]?.push(total));
    const errors = Math.round(requests * errorRate * (0.5 + next()));
    failedTotal += errors;
    okTotal += requests - errors;
    ok.push(okTotal);
    failed.push(failedTotal);
  }
  const labels = { service, version };
  return [
    ...BUCKETS.map((bound, index) =>
      gaugeSeries("http_request_duration_seconds_bucket", { ...labels, le: Number.isFinite(bound) ? String(bound) : "+Inf" }, fromSec, STEP_SECONDS, buckets[index] ?? []),
    ),
    counterSeries("http_requests", { ...labels, code: "200" }, fromSec, STEP_SECONDS, ok),
    counterSeries("http_requests", { ...labels, code: "500" }, fromSec, STEP_SECONDS, failed),
  ];
}

/** `services` services, each with v1 for the two hours before `endSec` and v2 for its last 40 minutes. */
export function benchSeries(services: number, endSec: number): OpenMetricsSeries[] {
  const series: OpenMetricsSeries[] = [];
  for (let s = 0; s < services; s += 1) {
    series.push(...versionSeries(`svc-${s}`, "v1", endSec - 2 * 3600, endSec, 0.1, 0.005, 1 + 2 * s));
    series.push(...versionSeries(`svc-${s}`, "v2", endSec - 40 * 60, endSec, 0.1, 0.005, 2 + 2 * s));
  }
  return series;
}

const sel = (version: string) => `service="{{service}}",version="{{${version}}}"`;

/**
 * A gate with 8 metric checks of the three kinds against source `prometheus`. Nothing in it ends a
 * rollout during a benchmark: no critical check, a high failure limit, a long steady time and timeout.
 */
export function benchGate(interval = "60s") {
  return {
    description: "benchmark gate: 8 checks (series, counts, histogram)",
    delay: "0s",
    interval,
    timeout: "24h",
    steadyFor: "12h",
    failureLimit: 1000,
    consecutiveErrorLimit: 1000,
    onNoData: "inconclusive",
    onError: "inconclusive",
    checks: [
      { name: "p99-latency", type: "metric", source: "prometheus", kind: "series", test: "sequential-mean", query: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel("version")}}[1m])))`, baselineQuery: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel("baselineVersion")}}[1m])))` },
      { name: "p50-latency", type: "metric", source: "prometheus", kind: "series", test: "mann-whitney", query: `histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{${sel("version")}}[1m])))`, baselineQuery: `histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket{${sel("baselineVersion")}}[1m])))` },
      { name: "fast-share", type: "metric", source: "prometheus", kind: "series", test: "relative", aggregate: "mean", direction: "decrease", query: `sum(rate(http_request_duration_seconds_bucket{${sel("version")},le="0.2"}[1m])) / sum(rate(http_requests_total{${sel("version")}}[1m]))`, baselineQuery: `sum(rate(http_request_duration_seconds_bucket{${sel("baselineVersion")},le="0.2"}[1m])) / sum(rate(http_requests_total{${sel("baselineVersion")}}[1m]))` },
      { name: "traffic", type: "metric", source: "prometheus", kind: "series", test: "threshold", aggregate: "mean", min: 1, direction: "decrease", query: `sum(rate(http_requests_total{${sel("version")}}[1m]))` },
      { name: "error-rate", type: "metric", source: "prometheus", kind: "counts", test: "sequential-rate", tolerance: 0.5, errors: `sum(increase(http_requests_total{${sel("version")},code=~"5.."}[1m]))`, total: `sum(increase(http_requests_total{${sel("version")}}[1m]))`, baselineErrors: `sum(increase(http_requests_total{${sel("baselineVersion")},code=~"5.."}[1m]))`, baselineTotal: `sum(increase(http_requests_total{${sel("baselineVersion")}}[1m]))` },
      { name: "error-ratio", type: "metric", source: "prometheus", kind: "counts", test: "rate-ratio", tolerance: 0.5, errors: `sum(increase(http_requests_total{${sel("version")},code=~"5.."}[1m]))`, total: `sum(increase(http_requests_total{${sel("version")}}[1m]))`, baselineErrors: `sum(increase(http_requests_total{${sel("baselineVersion")},code=~"5.."}[1m]))`, baselineTotal: `sum(increase(http_requests_total{${sel("baselineVersion")}}[1m]))` },
      { name: "latency-tail", type: "metric", source: "prometheus", kind: "histogram", test: "sequential-quantile", quantile: 0.99, tolerance: 0.5, query: `http_request_duration_seconds_bucket{${sel("version")}}`, baselineQuery: `http_request_duration_seconds_bucket{${sel("baselineVersion")}}` },
      { name: "latency-shape", type: "metric", source: "prometheus", kind: "histogram", test: "sequential-distribution", tolerance: 0.5, query: `http_request_duration_seconds_bucket{${sel("version")}}`, baselineQuery: `http_request_duration_seconds_bucket{${sel("baselineVersion")}}` },
    ],
  };
}

/** Defines the benchmark gate through the API and starts `count` rollouts of it (v2 against v1). */
export async function createRollouts(base: string, options: { count: number; services: number; startedAt: Date; gate?: string; interval?: string }): Promise<string[]> {
  const gate = options.gate ?? "bench";
  await api(base, "PUT", `/v1/gates/${gate}`, benchGate(options.interval));
  const indexes = Array.from({ length: options.count }, (_, i) => i);
  return pool(indexes, 16, async (i) => {
    const rollout = await api<{ id: string }>(base, "POST", "/v1/rollouts", {
      gate,
      service: `svc-${i % options.services}`,
      environment: `env-${i}`,
      version: "v2",
      baselineVersion: "v1",
      startedAt: options.startedAt.toISOString(),
    });
    return rollout.id;
  });
}

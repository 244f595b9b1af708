import { mulberry32 } from "../../test/analysis/sequential/prng.js";
import { counterSeries, gaugeSeries, type OpenMetricsSeries } from "../../test/helpers/prometheus.js";

/** Upper bounds of the demo latency histogram, in seconds. */
export const BUCKETS = [0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.3, 0.4, 0.5, 1, Number.POSITIVE_INFINITY];

interface VersionSpec {
  version: string;
  from: number;
  to: number;
  /** Median latency in seconds; log-normal with a log-scale SD of 0.25. */
  median: number;
  errorRate: number;
  seed: number;
  /** A share of requests slowed by a factor: a tail-only regression. */
  tail?: { share: number; factor: number };
}

const STEP_SECONDS = 15;
const REQUESTS_PER_SECOND = 200;

/**
 * A service `shop` with a latency histogram and request counters by status code, per version,
 * sampled every 15 s: what an instrumented HTTP service exposes to Prometheus.
 */
export function versionSeries(service: string, spec: VersionSpec): OpenMetricsSeries[] {
  // Seeded, so the demo shows the same numbers on every run.
  const generator = mulberry32(spec.seed);
  const next = generator.uniform;
  const normal = generator.normal;
  const steps = Math.floor((spec.to - spec.from) / STEP_SECONDS);
  const perStep = REQUESTS_PER_SECOND * STEP_SECONDS;
  const buckets = BUCKETS.map(() => [] as number[]);
  const bucketTotals = BUCKETS.map(() => 0);
  const ok: number[] = [];
  const failed: number[] = [];
  let okTotal = 0;
  let failedTotal = 0;
  for (let step = 0; step < steps; step += 1) {
    for (let request = 0; request < perStep; request += 1) {
      const slow = spec.tail !== undefined && next() < spec.tail.share ? spec.tail.factor : 1;
      const latency = slow * spec.median * Math.exp(0.25 * normal());
      BUCKETS.forEach((bound, index) => {
        if (latency <= bound) bucketTotals[index] = (bucketTotals[index] ?? 0) + 1;
      });
      if (next() < spec.errorRate) failedTotal += 1;
      else okTotal += 1;
    }
    bucketTotals.forEach((total, index) => buckets[index]?.push(total));
    ok.push(okTotal);
    failed.push(failedTotal);
  }
  const labels = { service, version: spec.version };
  return [
    ...BUCKETS.map((bound, index) =>
      gaugeSeries("http_request_duration_seconds_bucket", { ...labels, le: Number.isFinite(bound) ? String(bound) : "+Inf" }, spec.from, STEP_SECONDS, buckets[index] ?? []),
    ),
    counterSeries("http_requests", { ...labels, code: "200" }, spec.from, STEP_SECONDS, ok),
    counterSeries("http_requests", { ...labels, code: "500" }, spec.from, STEP_SECONDS, failed),
  ];
}

/**
 * Two hours of `shop`: v1 throughout (the baseline), v2 healthy and v3 12% slower for the last
 * 30 minutes, ending `endSec`.
 */
export function demoSeries(endSec: number): OpenMetricsSeries[] {
  const start = endSec - 2 * 3600;
  const canaryStart = endSec - 30 * 60;
  return [
    ...versionSeries("shop", { version: "v1", from: start, to: endSec, median: 0.1, errorRate: 0.005, seed: 1 }),
    ...versionSeries("shop", { version: "v2", from: canaryStart, to: endSec, median: 0.1, errorRate: 0.005, seed: 2 }),
    ...versionSeries("shop", { version: "v3", from: canaryStart, to: endSec, median: 0.112, errorRate: 0.005, seed: 3 }),
  ];
}

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { judgeMannWhitney } from "../src/analysis/judge-mann-whitney.js";
import { mannWhitneyU } from "../src/analysis/stats/mann-whitney.js";
import { judgeRateRatio } from "../src/analysis/judge-rate-ratio.js";
import { judgeRelative } from "../src/analysis/judge-relative.js";
import { judgeThreshold } from "../src/analysis/judge-threshold.js";
import { classifyKayenta } from "../src/analysis/kayenta/classify-metric.js";
import { initConcurrentRate, judgeConcurrentRate, updateConcurrentRate } from "../src/analysis/sequential/concurrent-rate.js";
import { initSequentialDistribution, judgeSequentialDistribution, updateSequentialDistribution } from "../src/analysis/sequential/sequential-distribution.js";
import { initSequentialMean, judgeSequentialMean, updateSequentialMean } from "../src/analysis/sequential/sequential-mean.js";
import { initSequentialQuantile, judgeSequentialQuantile, updateSequentialQuantile } from "../src/analysis/sequential/sequential-quantile.js";
import { initSequentialRate, judgeSequentialRate, updateSequentialRate } from "../src/analysis/sequential/sequential-rate.js";
import { bucketize, mulberry32 } from "../test/analysis/sequential/prng.js";

/**
 * `npm run bench:stats`: median time to judge one check holding 10,000 baseline and 10,000 canary
 * points, for each test, and the cost of one incremental sequential update, side by side with SciPy's
 * `mannwhitneyu` on the same data (python3 with scipy, when present, in a subprocess).
 * Targets: < 5 ms per check, and our Mann-Whitney faster than SciPy's.
 */
const quick = process.argv.includes("--quick");
const repeats = quick ? 5 : 41;
const N = 10_000;
const random = mulberry32(42);

function medianMs(run: () => unknown, times = repeats): number {
  // Untimed calls first, so the median is of the steady state a running service judges in, not of JIT warm-up.
  for (let i = 0; i < 5; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

const series = (n: number, scale: number) => Array.from({ length: n }, () => scale * Math.exp(0.3 * random.normal()));
const baseline = series(N, 100);
const canary = series(N, 103);
const common = { direction: "increase" as const, tolerance: 0.05, confidence: 0.95 };
const sequential = { direction: "increase" as const, tolerance: 0.05, alpha: 0.05 };
const le = [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, Infinity];
const histogram = (n: number) => bucketize(le, Array.from({ length: n }, () => 0.1 * Math.exp(0.5 * random.normal())));

interface Row {
  test: string;
  judgeMs: number;
  updateUs: number | null;
}

const rows: Row[] = [
  { test: "mann-whitney (U test + Hodges-Lehmann CI)", judgeMs: medianMs(() => judgeMannWhitney({ baseline, canary, ...common })), updateUs: null },
  { test: "mann-whitney U test only, from unsorted data (sort, ranks, p-value: the work of SciPy's call)", judgeMs: medianMs(() => mannWhitneyU(canary, baseline, "two-sided")), updateUs: null },
  { test: "mann-whitney, mode kayenta", judgeMs: medianMs(() => classifyKayenta(baseline, canary, { direction: "increase" })), updateUs: null },
  { test: "relative (p99)", judgeMs: medianMs(() => judgeRelative({ baseline, canary, direction: "increase", tolerance: 0.05, aggregate: "p99" })), updateUs: null },
  { test: "threshold (mean)", judgeMs: medianMs(() => judgeThreshold({ canary, aggregate: "mean", max: 200 })), updateUs: null },
  { test: "rate-ratio (exact Poisson)", judgeMs: medianMs(() => judgeRateRatio({ baseline: { errors: 1234, total: 100_000 }, canary: { errors: 1500, total: 98_000 }, ...common })), updateUs: null },
];

/** A sequential kernel holding N baseline and N canary points: time to judge it, and to add one more point. */
function sequentialRow<S>(test: string, start: S, data: unknown[], update: (state: S, steps: never[]) => S, judge: (state: S) => unknown): Row {
  const state = update(start, data as never[]);
  const one = [data[0]] as never[];
  return { test, judgeMs: medianMs(() => judge(state)), updateUs: 1000 * medianMs(() => update(state, one), quick ? 21 : 501) };
}

const steps = Array.from({ length: N }, () => ({ errors: random.poisson(2), total: 1000 }));
const arms = Array.from({ length: N }, () => ({ baseline: random.poisson(9), canary: random.poisson(1) }));
const baselineHistogram = histogram(N);
const histogramSteps = Array.from({ length: N }, () => histogram(5));
rows.push(
  sequentialRow("sequential-mean", initSequentialMean(sequential, baseline), canary, updateSequentialMean, judgeSequentialMean),
  sequentialRow("sequential-rate", initSequentialRate(sequential, { errors: 20_000, total: 10_000_000 }), steps, updateSequentialRate, judgeSequentialRate),
  sequentialRow("sequential-rate, concurrent control", initConcurrentRate({ ...sequential, canaryShare: 0.1 }), arms, updateConcurrentRate, judgeConcurrentRate),
  sequentialRow("sequential-quantile", initSequentialQuantile({ ...sequential, quantile: 0.99 }, baselineHistogram), histogramSteps, updateSequentialQuantile, judgeSequentialQuantile),
  sequentialRow("sequential-distribution", initSequentialDistribution(sequential, baselineHistogram), histogramSteps, updateSequentialDistribution, judgeSequentialDistribution),
);

/**
 * SciPy's Mann-Whitney U test (two-sided, asymptotic with tie correction: what `method="auto"` picks
 * at this size) on the same 10,000 + 10,000 points, timed inside Python; undefined without scipy.
 */
function scipyMannWhitney(): { ms: number; pValue: number; version: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), "canary-gate-bench-scipy-"));
  try {
    writeFileSync(join(dir, "data.json"), JSON.stringify({ baseline, canary }));
    const script = [
      "import json, sys, time, statistics",
      "import numpy as np, scipy",
      "from scipy.stats import mannwhitneyu",
      "d = json.load(open(sys.argv[1]))",
      "b = np.asarray(d['baseline']); c = np.asarray(d['canary'])",
      "repeats = int(sys.argv[2]); samples = []",
      "for _ in range(repeats):",
      "    t = time.perf_counter(); r = mannwhitneyu(c, b, alternative='two-sided'); samples.append((time.perf_counter() - t) * 1000)",
      "print(json.dumps({'ms': statistics.median(samples), 'pValue': float(r.pvalue), 'version': scipy.__version__}))",
    ].join("\n");
    const run = spawnSync("python3", ["-c", script, join(dir, "data.json"), String(repeats)], { encoding: "utf8" });
    if (run.status !== 0) return undefined;
    return JSON.parse(run.stdout) as { ms: number; pValue: number; version: string };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const scipy = scipyMannWhitney();
const ours = rows[0];
const oursUOnly = rows[1];
const target = 5;
process.stdout.write(`\nJudging one check with ${N} baseline + ${N} canary points (median of ${repeats}); target < ${target} ms\n\n`);
process.stdout.write("| test | judge (ms) | one incremental update (µs) | target met |\n|---|---|---|---|\n");
for (const row of rows) {
  process.stdout.write(`| ${row.test} | ${row.judgeMs.toFixed(3)} | ${row.updateUs === null ? "—" : row.updateUs.toFixed(1)} | ${row.judgeMs < target ? "yes" : "NO"} |\n`);
}
if (scipy && ours && oursUOnly) {
  process.stdout.write(`| SciPy ${scipy.version} mannwhitneyu (U test and p-value only, asymptotic; Python subprocess) | ${scipy.ms.toFixed(3)} | — | ${scipy.ms < target ? "yes" : "NO"} |\n`);
  const versus = (ms: number) => `${(scipy.ms / ms).toFixed(2)}x SciPy's speed: ${ms < scipy.ms ? "faster (met)" : "slower (MISSED)"}`;
  process.stdout.write(`\nSame work as SciPy (U test and p-value): ${versus(oursUOnly.judgeMs)}\n`);
  process.stdout.write(`Whole check, also the Hodges-Lehmann shift and its interval, which SciPy does not compute: ${versus(ours.judgeMs)}\n`);
} else {
  process.stdout.write("\nSciPy not available (python3 with scipy): the side-by-side row is skipped\n");
}
writeFileSync(new URL("./results/stats.json", import.meta.url), JSON.stringify({ date: new Date().toISOString(), points: N, repeats, rows, scipy: scipy ?? null }, null, 2));

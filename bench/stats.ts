import { writeFileSync } from "node:fs";
import { judgeMannWhitney } from "../src/analysis/judge-mann-whitney.js";
import { judgeRateRatio } from "../src/analysis/judge-rate-ratio.js";
import { judgeRelative } from "../src/analysis/judge-relative.js";
import { judgeThreshold } from "../src/analysis/judge-threshold.js";

/** Median wall time of judging one check with N baseline and N canary points, per test. */
const quick = process.argv.includes("--quick");
const points = 10_000;
const repeats = quick ? 5 : 41;

function lognormal(seed: number, n: number, scale: number): number[] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  return Array.from({ length: n }, () => scale * Math.exp(0.3 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
}

function medianMs(run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const baseline = lognormal(1, points, 100);
const canary = lognormal(2, points, 103);
const common = { direction: "increase" as const, tolerance: 0.05, confidence: 0.95 };
const rows = [
  { test: "mann-whitney (U test + Hodges-Lehmann CI)", ms: medianMs(() => judgeMannWhitney({ baseline, canary, ...common })) },
  { test: "relative (p99)", ms: medianMs(() => judgeRelative({ baseline, canary, direction: "increase", tolerance: 0.05, aggregate: "p99" })) },
  { test: "threshold (mean)", ms: medianMs(() => judgeThreshold({ canary, aggregate: "mean", max: 200 })) },
  { test: "rate-ratio (exact Poisson)", ms: medianMs(() => judgeRateRatio({ baseline: { errors: 1234, total: 100_000 }, canary: { errors: 1500, total: 98_000 }, ...common })) },
];

const target = 5;
process.stdout.write(`\nJudging one check, ${points} baseline + ${points} canary points, median of ${repeats} runs (target < ${target} ms)\n\n`);
process.stdout.write(`| test | median ms | target met |\n|---|---|---|\n`);
for (const row of rows) process.stdout.write(`| ${row.test} | ${row.ms.toFixed(2)} | ${row.ms < target ? "yes" : "NO"} |\n`);
writeFileSync(new URL("./results/stats.json", import.meta.url), JSON.stringify({ date: new Date().toISOString(), points, repeats, rows }, null, 2));

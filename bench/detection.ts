import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ALPHA, buildScenarios, bucketCdf, methodsFor, TUNING_SCENARIOS, TUNINGS, type MethodInfo, type Scenario, type SliceResult } from "./detection-scenarios.js";
import type { SliceTask } from "./detection-worker.js";

/**
 * `npm run bench:detection`: simulated rollouts polled once a minute for their whole lifetime. For each scenario,
 * the halt rate and the time to detect (median and p90 minutes from the rollout start, over the rollouts that
 * halted) of the service's default anytime-valid test, next to plain Mann-Whitney and Kayenta's classifier
 * re-run at every poll; then the targets (PASS/MISS) and side experiments with other kernel tuning.
 *
 *   --rollouts N   rollouts per scenario (default 1000)     --quick      50 per scenario (CI smoke)
 *   --seed S       PRNG seed (default 20240601)             --workers K  worker threads (default: cores, ≤ 2)
 *   --no-side      skip the side experiments (tuning and setting variants)
 */

const started = performance.now();
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes("--quick");
const rollouts = Number(option("--rollouts") ?? (quick ? 50 : 1000));
const seed = Number(option("--seed") ?? 20240601);
const workerCount = Math.max(1, Number(option("--workers") ?? Math.min(2, availableParallelism())));
const withSide = !args.includes("--no-side");
if (!(Number.isInteger(rollouts) && rollouts > 0)) throw new RangeError(`--rollouts must be a positive integer, got ${option("--rollouts")}`);

const allScenarios = buildScenarios();
const runList = allScenarios.map((scenario, index) => ({ scenario, index })).filter(({ scenario }) => withSide || scenario.side === undefined);
const tuningIds = withSide ? TUNINGS.map((t) => t.id) : [];

// ---------------------------------------------------------------------------------------------------------
// Run every scenario's rollouts in slices over a small pool of worker threads (tsx registered in each).

const SLICE = Math.max(10, Math.ceil(rollouts / 8));
const tasks: SliceTask[] = [];
for (const { index } of runList) for (let from = 0; from < rollouts; from += SLICE) tasks.push({ scenario: index, from, to: Math.min(rollouts, from + SLICE), seed, tunings: tuningIds });
// Longest first: A/A scenarios and long lifetimes run every poll; the rest halt early.
tasks.sort((a, b) => cost(allScenarios[b.scenario] as Scenario) - cost(allScenarios[a.scenario] as Scenario));

function cost(s: Scenario): number {
  return s.lifetimeMinutes * (s.isNull ? 2 : 1) * (s.kind === "series" ? s.pointsPerMinute : 3);
}

interface Done {
  task: SliceTask;
  result: SliceResult;
  ms: number;
}

function spawnWorker(): Worker {
  const api = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./detection-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}

async function runAll(): Promise<Done[]> {
  const done: Done[] = [];
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: Math.min(workerCount, queue.length) }, () => {
      const worker = spawnWorker();
      return new Promise<void>((resolve, reject) => {
        const next = (): void => {
          const task = queue.shift();
          if (task === undefined) {
            void worker.terminate().then(() => resolve());
            return;
          }
          worker.postMessage(task);
        };
        worker.on("message", (message: Done) => {
          done.push(message);
          next();
        });
        worker.on("error", reject);
        worker.on("online", next);
      });
    }),
  );
  return done;
}

const done = await runAll();

// ---------------------------------------------------------------------------------------------------------
// Figures

interface Figures {
  method: string;
  test: string;
  rollouts: number;
  halts: number;
  haltRate: number;
  /** Monte Carlo standard error of the halt rate. */
  standardError: number;
  /** Over the rollouts that halted; null when none did. */
  medianMinutes: number | null;
  p90Minutes: number | null;
  /** minutesToHalt[m] = rollouts that halted at the poll of minute m + 1. */
  haltsPerMinute: number[];
}

interface ScenarioFigures {
  scenario: Scenario;
  cpuSeconds: number;
  methods: Figures[];
}

function quantile7(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

function figuresOf(scenario: Scenario, method: MethodInfo, minutes: number[]): Figures {
  const halted = minutes.filter((m) => m > 0).sort((a, b) => a - b);
  const haltRate = halted.length / minutes.length;
  const haltsPerMinute = new Array<number>(scenario.lifetimeMinutes).fill(0);
  for (const m of halted) haltsPerMinute[m - 1] = (haltsPerMinute[m - 1] as number) + 1;
  return {
    method: method.id,
    test: method.label,
    rollouts: minutes.length,
    halts: halted.length,
    haltRate,
    standardError: Math.sqrt((haltRate * (1 - haltRate)) / minutes.length),
    medianMinutes: quantile7(halted, 0.5),
    p90Minutes: quantile7(halted, 0.9),
    haltsPerMinute,
  };
}

const figures: ScenarioFigures[] = runList.map(({ scenario, index }) => {
  const slices = done.filter((d) => d.task.scenario === index).sort((a, b) => a.task.from - b.task.from);
  const methods = methodsFor(scenario, TUNINGS.filter((t) => tuningIds.includes(t.id))).map((method) => figuresOf(scenario, method, slices.flatMap((d) => d.result[method.id] ?? [])));
  return { scenario, cpuSeconds: slices.reduce((sum, d) => sum + d.ms, 0) / 1000, methods };
});

const methodOf = (f: ScenarioFigures, id: string): Figures => f.methods.find((m) => m.method === id) as Figures;

// ---------------------------------------------------------------------------------------------------------
// Targets

interface Target {
  target: string;
  scenario: string;
  figure: string;
  pass: boolean;
  note?: string;
}

const targets: Target[] = [];
const nullLimit = (n: number): number => ALPHA + 1.96 * Math.sqrt((ALPHA * (1 - ALPHA)) / n);
const mainFigures = figures.filter((f) => f.scenario.side === undefined);
for (const f of mainFigures.filter((x) => x.scenario.isNull)) {
  for (const m of f.methods.filter((x) => x.method === "ours" || x.method === "ours-distribution")) {
    targets.push({
      target: "false halts ≤ 0.05 (within MC error)",
      scenario: `${f.scenario.label} [${m.test}]`,
      figure: `${m.haltRate.toFixed(3)} (limit ${nullLimit(m.rollouts).toFixed(3)})`,
      pass: m.haltRate <= nullLimit(m.rollouts),
    });
  }
}
const fmtMin = (v: number | null): string => (v === null ? "none halted" : `${+v.toFixed(1)} min`);
const detectionIds = ["series-plus10-sigma5", "series-plus10-sigma20", "counts-3x-1perMin", "counts-3x-10perMin"];
for (const id of detectionIds) {
  const f = figures.find((x) => x.scenario.id === id);
  if (!f) continue;
  const ours = methodOf(f, "ours");
  const kayenta = methodOf(f, "kayenta");
  const pass = ours.medianMinutes !== null && (kayenta.medianMinutes === null || ours.medianMinutes <= kayenta.medianMinutes);
  targets.push({ target: "median time to detect ≤ Kayenta's", scenario: f.scenario.label, figure: `${fmtMin(ours.medianMinutes)} vs ${fmtMin(kayenta.medianMinutes)} (power ${ours.haltRate.toFixed(2)} vs ${kayenta.haltRate.toFixed(2)})`, pass });
}
for (const id of detectionIds) {
  const f = figures.find((x) => x.scenario.id === id);
  if (!f) continue;
  const ours = methodOf(f, "ours");
  targets.push({ target: `power ≥ 0.9 within ${f.scenario.lifetimeMinutes} min`, scenario: f.scenario.label, figure: `${ours.haltRate.toFixed(3)} ± ${ours.standardError.toFixed(3)}`, pass: ours.haltRate >= 0.9 });
}
{
  const f = figures.find((x) => x.scenario.id === "counts-2x-10perMin");
  if (f) {
    const ours = methodOf(f, "ours");
    targets.push({ target: "median time to detect ≤ 5 min", scenario: f.scenario.label, figure: fmtMin(ours.medianMinutes), pass: ours.medianMinutes !== null && ours.medianMinutes <= 5 });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Markdown

const rate = (m: Figures): string => m.haltRate.toFixed(3);
const ttd = (m: Figures): string => (m.medianMinutes === null ? "–" : `${+m.medianMinutes.toFixed(1)} / ${+(m.p90Minutes as number).toFixed(1)}`);
const expectation = (s: Scenario): string => (s.isNull ? "no halt" : "halt");
const lines: string[] = [];
lines.push(`### Detection: anytime-valid defaults vs re-run fixed-horizon tests`);
lines.push("");
lines.push(`${rollouts} simulated rollouts per scenario (seed ${seed}), polled every minute for their whole lifetime; α = ${ALPHA} for every method. ` + `Halt rate = share of rollouts halted at any poll (a false alarm where "no halt" is expected; MC standard error ≤ ${(0.5 / Math.sqrt(rollouts)).toFixed(3)}, ${Math.sqrt((ALPHA * (1 - ALPHA)) / rollouts).toFixed(4)} at 0.05). ` + `Time to detect = minutes from the rollout start to the first halting poll, median / p90 over the rollouts that halted.`);
lines.push("");
lines.push("| scenario | expected | our default test | ours: halt rate | ours: median / p90 min | Mann-Whitney re-run: halt rate | median / p90 | Kayenta re-run: halt rate | median / p90 |");
lines.push("|---|---|---|---|---|---|---|---|---|");
for (const f of mainFigures) {
  const mw = methodOf(f, "mann-whitney");
  const ky = methodOf(f, "kayenta");
  const oursRows = f.methods.filter((m) => m.method === "ours" || m.method === "ours-distribution");
  oursRows.forEach((m, i) => {
    const others = i === 0 ? [rate(mw), ttd(mw), rate(ky), ttd(ky)] : ["″", "″", "″", "″"];
    lines.push(`| ${i === 0 ? f.scenario.label : "″"} | ${expectation(f.scenario)} | ${m.test} | ${rate(m)} | ${ttd(m)} | ${others.join(" | ")} |`);
  });
}
lines.push("");
lines.push("Parameters:");
const seriesS = allScenarios.find((s) => s.kind === "series") as Extract<Scenario, { kind: "series" }>;
const countsS = allScenarios.find((s) => s.kind === "counts") as Extract<Scenario, { kind: "counts" }>;
const histS = allScenarios.find((s) => s.kind === "histogram") as Extract<Scenario, { kind: "histogram" }>;
const baseP99 = histogramQuantileOfCdf(histS, 0);
const tailP99 = histogramQuantileOfCdf(histS, histS.slowShare || 0.03);
lines.push(`- series: ${seriesS.pointsPerMinute} points/min (one latency aggregate per canary instance per minute), level ${seriesS.level} ms × exp(σ·Z) per point, i.i.d.; baseline window ${seriesS.baselineMinutes} min (${seriesS.baselineMinutes * seriesS.pointsPerMinute} points), lifetime ${seriesS.lifetimeMinutes} min = ${seriesS.lifetimeMinutes} polls (one scenario ${allScenarios.find((s) => s.id === "series-aa-sigma20-120min")?.lifetimeMinutes} min); shift = every canary point × (1 + shift); tolerance ${seriesS.tolerance} (gate default), so +2% is inside it.`);
lines.push(`- counts: ${countsS.requestsPerMinute} requests/min on each arm (equal traffic), Poisson errors; baseline = the ${countsS.baselineMinutes} min before the rollout; lifetime ${countsS.lifetimeMinutes} min; tolerance ${countsS.tolerance} (as in gates/web-latency-errors.yaml; the schema default is 0.05). Mann-Whitney and Kayenta see the per-minute error rate errors/total.`);
lines.push(`- histogram: ${histS.requestsPerMinute} requests/min, log-normal latency (median ${histS.median * 1000} ms, σ ${histS.sigma}), buckets le = ${histS.le.join(", ")}, +Inf; the tail scenario makes ${histS.slowShare * 100 || 3}% of canary requests ${histS.slowFactor}× slower (median unchanged; true p99 ${(baseP99 * 1000).toFixed(0)} → ${(tailP99 * 1000).toFixed(0)} ms, +${((tailP99 / baseP99 - 1) * 100).toFixed(0)}%); baseline ${histS.baselineMinutes} min, lifetime ${histS.lifetimeMinutes} min; tolerance ${histS.tolerance} (for sequential-distribution an absolute share of requests, so a shift of 3% of requests can never exceed it). Mann-Whitney and Kayenta see the per-minute p99 from histogram_quantile (linear interpolation in the bucket).`);
lines.push(`- ours: \`advanceSequential\` with \`MetricCheck.parse\` defaults (direction increase, confidence 0.95 → α = 0.05, kernel defaults: sequential-mean minCanaryPoints 10, tuningPoints 60; sequential-rate φ 10; sequential-quantile q 0.99, φ 10); state carried between polls, only each poll's new minute passed. A one-check gate: the gate's Bonferroni split (α / number of checks) does not apply.`);
lines.push(`- Mann-Whitney: \`mannWhitneyU(canary, baseline, "greater")\` on all data so far, halt when p < 0.05. Kayenta: \`classifyKayenta(baseline, canary, { direction: "increase" })\` (tolerance 0.25, 98% interval), halt on High.`);
lines.push("");
lines.push("| target | scenario | figure | result |");
lines.push("|---|---|---|---|");
for (const t of targets) lines.push(`| ${t.target} | ${t.scenario} | ${t.figure} | ${t.pass ? "PASS" : "**MISS**"} |`);

if (withSide) {
  const cell = (m: Figures | undefined): string => (m === undefined ? "" : `${rate(m)} · ${ttd(m)}`);
  lines.push("");
  lines.push("Side experiments, kernel tuning: the kernel's init function called directly with other parameters, same rollouts (cell: halt rate · median / p90 min):");
  for (const family of ["series", "counts"] as const) {
    const columns = TUNING_SCENARIOS[family].map((id) => figures.find((f) => f.scenario.id === id)).filter((f): f is ScenarioFigures => f !== undefined);
    const variants = [{ id: "ours", label: family === "series" ? "sequential-mean, service defaults (minCanaryPoints 10, tuningPoints 60)" : "sequential-rate, service default (φ 10)" }, ...TUNINGS.filter((t) => tuningIds.includes(t.id) && columns.some((f) => t.applies(f.scenario))).map((t) => ({ id: `tuning:${t.id}`, label: t.label }))];
    lines.push("");
    lines.push(`| ${family} kernel | ${columns.map((f) => f.scenario.label).join(" | ")} |`);
    lines.push(`|---|${columns.map(() => "---").join("|")}|`);
    for (const v of variants) lines.push(`| ${v.label} | ${columns.map((f) => cell(f.methods.find((m) => m.method === v.id))).join(" | ")} |`);
  }
  lines.push("");
  lines.push("Side experiments, check settings (defaults of the service's kernel, other baseline window or instance count):");
  lines.push("");
  lines.push("| scenario | setting | ours: halt rate | ours: median / p90 min | Kayenta re-run: halt rate | median / p90 |");
  lines.push("|---|---|---|---|---|---|");
  for (const main of mainFigures.filter((f) => figures.some((x) => x.scenario.variantOf === f.scenario.id))) {
    for (const f of [main, ...figures.filter((x) => x.scenario.variantOf === main.scenario.id)]) {
      const ours = methodOf(f, "ours");
      const ky = methodOf(f, "kayenta");
      lines.push(`| ${main.scenario.label} | ${f.scenario.side ?? "as above (default)"} | ${rate(ours)} | ${ttd(ours)} | ${rate(ky)} | ${ttd(ky)} |`);
    }
  }
}

const elapsed = (performance.now() - started) / 1000;
const cpu = figures.reduce((sum, f) => sum + f.cpuSeconds, 0);
lines.push("");
lines.push(`Total time ${elapsed.toFixed(1)} s wall (${cpu.toFixed(1)} s in ${workerCount} worker thread(s)).`);
console.log(lines.join("\n"));

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/detection.json", import.meta.url),
  `${JSON.stringify(
    {
      generatedBy: "bench/detection.ts",
      parameters: { rollouts, seed, alpha: ALPHA, quick, workers: workerCount, sideExperiments: withSide, nullHaltLimit: nullLimit(rollouts), tunings: TUNINGS.filter((t) => tuningIds.includes(t.id)).map(({ id, label, mean, ratePhi, quantilePhi }) => ({ id, label, mean, ratePhi, quantilePhi })) },
      scenarios: figures.map((f) => ({ ...f.scenario, cpuSeconds: +f.cpuSeconds.toFixed(2), methods: f.methods })),
      targets,
      totalSeconds: +elapsed.toFixed(1),
      markdown: lines.join("\n"),
    },
    null,
    2,
  )}\n`,
);

/** The true p99 of a histogram scenario's latency mixture, by bisection on the exact CDF (not the buckets). */
function histogramQuantileOfCdf(s: Extract<Scenario, { kind: "histogram" }>, slowShare: number): number {
  const cdf = (x: number): number => (bucketCdf({ ...s, le: [x] }, slowShare)[0] as number);
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) >= 0.99) hi = mid;
    else lo = mid;
  }
  return hi;
}

import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import postgres from "postgres";
import { openDatabase } from "../src/db/client.js";
import { evaluateRollout, type EvaluationDeps } from "../src/evaluation/evaluate-rollout.js";
import { createPrometheusSource } from "../src/sources/prometheus.js";
import { createSourceRegistry } from "../src/sources/registry.js";
import { createLogger } from "../src/telemetry/logger.js";
import { createMeters } from "../src/telemetry/meters.js";
import { startPrometheus } from "../test/helpers/prometheus.js";
import { benchSeries, createRollouts } from "./fixtures.js";
import { cpuSeconds, fmt, freshDatabase, pool, printTable, quantile, rssMb, sleep, startService, writeResult } from "./lib.js";

/**
 * `npx tsx bench/evaluation-throughput.ts`: 1,000 active rollouts, 8 checks each (series, counts,
 * histogram), against a real backfilled Prometheus on loopback, interval 60 s.
 * Phase 1: the service as a child process with its scheduler (tick 1 s): is every rollout evaluated
 * within its interval, and how much CPU does the service use? Phase 2: in-process, every rollout
 * evaluated back to back (20 at a time, as the scheduler's batch) to saturation, with OpenTelemetry
 * spans in memory to split the time into fetch, judging and the rest (database, policy).
 * Targets: every rollout evaluated within its interval; the service under one core on average.
 */
const quick = process.argv.includes("--quick");
const ROLLOUTS = quick ? 100 : 1000;
const SERVICES = 10;
const INTERVAL_S = 60;
const OBSERVE_S = quick ? 20 : 150;
const TICK_MS = 1000;

const endSec = Math.floor(Date.now() / 1000 / 15) * 15;
const prometheus = await startPrometheus({ series: benchSeries(SERVICES, endSec) });
const database = await freshDatabase("cg_bench_eval");
try {
  // Phase 1: the real service and its scheduler.
  const service = await startService({ DATABASE_URL: database.url, PROMETHEUS_URL: prometheus.url, SCHEDULER_TICK: `${TICK_MS}ms`, RATE_LIMIT_PER_MINUTE: "1000000" });
  let phase1: Record<"createS" | "evaluations" | "evaluatedRollouts" | "overdue" | "gapP50" | "gapP99" | "gapMax" | "cpuCores" | "rssPeakMb" | "evalsPerS" | "evaluationMsP50" | "evaluationMsP99", number>;
  const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
  try {
    const created = performance.now();
    const ids = await createRollouts(service.url, { count: ROLLOUTS, services: SERVICES, startedAt: new Date(endSec * 1000 - 20 * 60_000), interval: `${INTERVAL_S}s` });
    const createS = (performance.now() - created) / 1000;
    const cpuStart = cpuSeconds(service.pid);
    const observedFrom = new Date();
    let rssPeak = 0;
    for (let waited = 0; waited < OBSERVE_S; waited += 1) {
      await sleep(1000);
      rssPeak = Math.max(rssPeak, rssMb(service.pid));
    }
    const cpuCores = (cpuSeconds(service.pid) - cpuStart) / OBSERVE_S;
    const observedTo = new Date();
    await service.stop();
    const rows = await sql<Array<{ rollout_id: string; at: Date; duration_ms: number }>>`
      select e.rollout_id, e.evaluated_at as at, e.duration_ms from evaluations e order by e.rollout_id, e.sequence`;
    const byRollout = new Map<string, Date[]>();
    for (const row of rows) byRollout.set(row.rollout_id, [...(byRollout.get(row.rollout_id) ?? []), row.at]);
    const gaps: number[] = [];
    for (const times of byRollout.values()) for (let i = 1; i < times.length; i += 1) gaps.push(((times[i]?.getTime() ?? 0) - (times[i - 1]?.getTime() ?? 0)) / 1000);
    // A rollout is overdue when its newest evaluation is older than one interval (plus one tick) at the end.
    const overdue = ids.filter((id) => {
      const last = byRollout.get(id)?.at(-1);
      return !last || (observedTo.getTime() - last.getTime()) / 1000 > INTERVAL_S + TICK_MS / 1000 + 1;
    }).length;
    const inWindow = rows.filter((row) => row.at >= observedFrom).length;
    phase1 = {
      createS,
      evaluations: rows.length,
      evaluatedRollouts: byRollout.size,
      overdue: quick ? Number.NaN : overdue,
      gapP50: quantile(gaps, 0.5),
      gapP99: quantile(gaps, 0.99),
      gapMax: gaps.length ? Math.max(...gaps) : Number.NaN,
      cpuCores,
      rssPeakMb: rssPeak,
      evalsPerS: inWindow / OBSERVE_S,
      evaluationMsP50: quantile(rows.map((row) => row.duration_ms), 0.5),
      evaluationMsP99: quantile(rows.map((row) => row.duration_ms), 0.99),
    };
  } finally {
    await service.stop();
  }

  // Phase 2: saturation, in process, with spans in memory.
  const spans = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  const handle = await openDatabase({ url: database.url, dataDir: "" });
  const deps: EvaluationDeps = {
    db: handle.db,
    sources: createSourceRegistry([createPrometheusSource({ name: "prometheus", url: prometheus.url, timeoutMs: 10_000 })]),
    now: () => new Date(),
    sourceTimeoutMs: 10_000,
    logger: createLogger({ level: "silent" }),
    meters: createMeters(),
  };
  const ids = (await sql<Array<{ id: string }>>`select id from rollouts where not is_final order by id`).map((row) => row.id);
  await pool(ids.slice(0, 20), 20, (id) => evaluateRollout(deps, { id, trigger: "request" })); // warm-up
  spans.reset();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await pool(ids, 20, (id) => evaluateRollout(deps, { id, trigger: "request" }));
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuCores = (cpu.user + cpu.system) / 1e6 / wallS;
  await handle.close();
  await sql.end();

  // Shares of each rollout.evaluate span's wall time: fetch (union of its source.fetch spans),
  // judging (union of its check.evaluate spans outside fetch), the rest (database reads and the
  // write transaction, policy).
  const finished = spans.getFinishedSpans();
  const ms = (time: [number, number]) => time[0] * 1000 + time[1] / 1e6;
  const byTrace = new Map<string, ReadableSpan[]>();
  for (const span of finished) byTrace.set(span.spanContext().traceId, [...(byTrace.get(span.spanContext().traceId) ?? []), span]);
  const union = (intervals: Array<[number, number]>) => {
    const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
    let total = 0;
    let end = -Infinity;
    for (const [a, b] of sorted) {
      if (b <= end) continue;
      total += b - Math.max(a, end);
      end = b;
    }
    return total;
  };
  let total = 0;
  let fetch = 0;
  let checks = 0;
  for (const group of byTrace.values()) {
    const root = group.find((span) => span.name === "rollout.evaluate");
    if (!root) continue;
    total += ms(root.endTime) - ms(root.startTime);
    const fetchIntervals = group.filter((span) => span.name === "source.fetch").map((span): [number, number] => [ms(span.startTime), ms(span.endTime)]);
    const checkIntervals = group.filter((span) => span.name === "check.evaluate").map((span): [number, number] => [ms(span.startTime), ms(span.endTime)]);
    fetch += union(fetchIntervals);
    checks += union(checkIntervals);
  }
  const share = { fetch: fetch / total, judging: (checks - fetch) / total, databaseAndPolicy: (total - checks) / total };
  const phase2 = { evaluations: ids.length, wallS, evalsPerS: ids.length / wallS, cpuCores, meanEvaluationMs: total / byTrace.size, share };

  const met = { withinInterval: quick ? null : phase1.overdue === 0 && phase1.gapMax <= INTERVAL_S + TICK_MS / 1000 + 2, underOneCore: phase1.cpuCores < 1 };
  printTable(
    `Evaluation throughput: ${ROLLOUTS} rollouts x 8 checks (4 series, 2 counts, 2 histogram), Prometheus on loopback, interval ${INTERVAL_S} s`,
    ["measure", "value"],
    [
      ["phase 1: service child process, scheduler (batch 20, tick 1 s), observed", `${OBSERVE_S} s`],
      ["rollouts created through the API", `${ROLLOUTS} in ${fmt(phase1.createS)} s`],
      ["evaluations stored / rollouts evaluated", `${phase1.evaluations} / ${phase1.evaluatedRollouts}`],
      ["gap between a rollout's evaluations p50 / p99 / max (s)", `${fmt(phase1.gapP50)} / ${fmt(phase1.gapP99)} / ${fmt(phase1.gapMax)}`],
      ["rollouts overdue at the end (last evaluation older than interval + tick)", quick ? "– (quick)" : String(phase1.overdue)],
      ["evaluations per second during the window (demand: rollouts / 60 s)", `${fmt(phase1.evalsPerS)} (${fmt(ROLLOUTS / INTERVAL_S)})`],
      ["service CPU, average over the window (cores)", fmt(phase1.cpuCores, 2)],
      ["service RSS peak (MB)", fmt(phase1.rssPeakMb, 0)],
      ["evaluation duration p50 / p99 (ms, stored)", `${fmt(phase1.evaluationMsP50, 0)} / ${fmt(phase1.evaluationMsP99, 0)}`],
      ["phase 2: in-process, back to back, 20 concurrent: evaluations per second at saturation", fmt(phase2.evalsPerS)],
      ["phase 2: CPU of the evaluating process (cores)", fmt(phase2.cpuCores, 2)],
      ["phase 2: mean rollout.evaluate wall time (ms)", fmt(phase2.meanEvaluationMs)],
      ["share of wall time: fetch (source.fetch)", `${fmt(100 * share.fetch)}%`],
      ["share of wall time: judging (check.evaluate outside fetch)", `${fmt(100 * share.judging)}%`],
      ["share of wall time: database and policy (the rest)", `${fmt(100 * share.databaseAndPolicy)}%`],
    ],
  );
  process.stdout.write(`\nTargets: every rollout within its interval: ${met.withinInterval === null ? "not judged in --quick" : met.withinInterval ? "met" : "MISSED"}; service under one core: ${met.underOneCore ? "met" : "MISSED"}\n`);
  writeResult("evaluation-throughput", { rollouts: ROLLOUTS, intervalS: INTERVAL_S, observeS: OBSERVE_S, phase1, phase2, targets: met });
} finally {
  await database.drop();
  await prometheus.stop();
}

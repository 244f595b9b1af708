import postgres from "postgres";
import { openDatabase } from "../src/db/client.js";
import { saveGate } from "../src/db/queries/gates.js";
import { claimDueRollouts, findRollout } from "../src/db/queries/rollouts.js";
import { evaluateRollout, type EvaluationDeps } from "../src/evaluation/evaluate-rollout.js";
import { startRollout } from "../src/evaluation/start-rollout.js";
import { validateGate } from "../src/gates/parse-gate.js";
import { createSourceRegistry } from "../src/sources/registry.js";
import type { BucketSeries, MetricSource, QueryWindow, SeriesData } from "../src/sources/types.js";
import { createLogger } from "../src/telemetry/logger.js";
import { createMeters } from "../src/telemetry/meters.js";
import { benchGate } from "./fixtures.js";
import { fmt, freshDatabase, median, printTable, quantile, writeResult } from "./lib.js";

/**
 * `npx tsx bench/growth.ts`: how costs grow.
 * (1) One evaluation of the 8-check benchmark gate (in process, evaluateRollout, PostgreSQL) as every
 *     query returns N points, N = 10 … 10,000 (a fresh rollout each time, so no incremental state helps).
 * (2) The scheduler's claim query (claimDueRollouts, batch 20, about 1/60 of rollouts due) and a verdict
 *     read (findRollout by id) as stored rollouts grow from 10 to 10,000; and the claim query's plan.
 */
const quick = process.argv.includes("--quick");
const POINTS = quick ? [10, 1000] : [10, 100, 1000, 10_000];
const ROLLOUT_COUNTS = quick ? [10, 1000] : [10, 100, 1000, 10_000];
const REPEATS = quick ? 3 : 11;

/** Answers every query with N points (noisy constants by metric), whatever the window: stands in for Prometheus. */
class FixedPointsSource implements MetricSource {
  readonly name = "prometheus";
  readonly type = "prometheus";
  constructor(public points: number) {}
  private seed = 1;
  private noise() {
    this.seed = (this.seed * 16807) % 2147483647;
    return this.seed / 2147483647 - 0.5;
  }
  async queryRange(query: string, window: QueryWindow): Promise<SeriesData> {
    const base = query.includes("5..") ? 15 : query.includes("increase(") ? 3000 : query.includes("le=") ? 0.9 : query.startsWith("sum(rate(") ? 200 : 0.1;
    const start = window.start.getTime() / 1000;
    const timestamps = Array.from({ length: this.points }, (_, i) => start + i * window.stepSeconds);
    return { labels: {}, timestamps, values: timestamps.map(() => base * (1 + 0.1 * this.noise())) };
  }
  async queryBuckets(_selector: string, window: QueryWindow): Promise<BucketSeries> {
    const le = [0.05, 0.1, 0.2, 0.5, 1, Number.POSITIVE_INFINITY];
    const shares = [0.02, 0.5, 0.95, 0.99, 0.999, 1];
    const start = window.start.getTime() / 1000;
    const timestamps = Array.from({ length: this.points }, (_, i) => start + i * window.stepSeconds);
    return { le, timestamps, counts: timestamps.map(() => shares.map((share) => Math.round(3000 * share * (1 + 0.01 * this.noise())))) };
  }
}

const database = await freshDatabase("cg_bench_growth");
const handle = await openDatabase({ url: database.url, dataDir: "" });
const sql = postgres(database.url, { max: 1, onnotice: () => undefined });
try {
  const source = new FixedPointsSource(10);
  const deps: EvaluationDeps = { db: handle.db, sources: createSourceRegistry([source]), now: () => new Date(), sourceTimeoutMs: 30_000, logger: createLogger({ level: "silent" }), meters: createMeters() };
  const parsed = validateGate(benchGate(), deps.sources.describe());
  if (!parsed.ok) throw new Error(`bench gate invalid: ${JSON.stringify(parsed.issues)}`);
  await saveGate(handle.db, { name: "bench", definition: parsed.gate, origin: "api" });

  // (1) window growth
  const windowRows: Array<{ points: number; medianMs: number; p90Ms: number; perPointUs: number }> = [];
  let environment = 0;
  const startedAt = new Date(Date.now() - 20 * 60_000).toISOString();
  const evaluateOnce = async () => {
    const { rollout } = await startRollout(deps, { gate: "bench", service: "svc", environment: `env-${environment++}`, version: "v2", baselineVersion: "v1", startedAt });
    const began = performance.now();
    await evaluateRollout(deps, { id: rollout.id, trigger: "request" });
    return performance.now() - began;
  };
  for (let i = 0; i < 3; i += 1) await evaluateOnce(); // warm-up
  for (const points of POINTS) {
    source.points = points;
    const samples: number[] = [];
    for (let i = 0; i < REPEATS; i += 1) samples.push(await evaluateOnce());
    const ms = median(samples);
    windowRows.push({ points, medianMs: ms, p90Ms: quantile(samples, 0.9), perPointUs: (1000 * ms) / (points * 8) });
  }
  printTable(
    `Growth with the window: one evaluation of the 8-check gate, every query answering N points (baseline and canary), median of ${REPEATS}`,
    ["points per query", "evaluation (ms, median)", "p90 (ms)", "per point per check (µs)"],
    windowRows.map((row) => [row.points, fmt(row.medianMs, 1), fmt(row.p90Ms, 1), fmt(row.perPointUs, 2)]),
  );

  // (2) rollout growth: bulk-insert rollouts, about 1/60 due now (one evaluation a minute, ticks of 1 s).
  await sql`delete from evaluations`;
  await sql`delete from rollouts`;
  const rolloutRows: Array<{ rollouts: number; claimMs: number; claimed: number; verdictReadMs: number }> = [];
  let inserted = 0;
  let plan = "";
  for (const count of ROLLOUT_COUNTS) {
    await sql`
      insert into rollouts (gate_name, gate_version, service, environment, version, started_at, reason, next_evaluation_at, policy_state, latest_checks)
      select 'bench', 1, 'svc-' || (i % 50), 'env-' || i, 'v2', now() - interval '20 minutes', 'benchmark', now() + ((i % 60) - 0.5) * interval '1 second', '{}'::jsonb,
             ${sql.json([{ name: "p99-latency", result: "pass", critical: false, summary: "within tolerance" }])}
      from generate_series(${inserted}::int, ${count - 1}::int) as i`;
    inserted = count;
    await sql`analyze rollouts`;
    const claims: number[] = [];
    let claimed = 0;
    for (let i = 0; i < REPEATS; i += 1) {
      const began = performance.now();
      const ids = await claimDueRollouts(handle.db, { owner: "bench", now: new Date(), leaseMs: 60_000, limit: 20 });
      claims.push(performance.now() - began);
      claimed = ids.length;
      await sql`update rollouts set lease_owner = null, lease_until = null where lease_owner = 'bench'`;
    }
    const ids = (await sql<Array<{ id: string }>>`select id from rollouts order by random() limit 200`).map((row) => row.id);
    for (const id of ids.slice(0, 20)) await findRollout(handle.db, { id }); // warm-up
    const reads: number[] = [];
    for (const id of ids) {
      const began = performance.now();
      await findRollout(handle.db, { id });
      reads.push(performance.now() - began);
    }
    rolloutRows.push({ rollouts: count, claimMs: median(claims), claimed, verdictReadMs: median(reads) });
    if (count === ROLLOUT_COUNTS.at(-1)) {
      // The claim's SELECT as claimDueRollouts issues it (drizzle builds the same statement).
      const explained = await sql.begin(async (tx) => {
        const result = await tx.unsafe(`explain (analyze, costs off, timing off, summary off)
          select id from rollouts
          where not is_final and next_evaluation_at <= now() and (lease_until is null or lease_until < now())
          order by next_evaluation_at asc limit 20 for update skip locked`);
        return (result as unknown as Array<Record<string, string>>).map((row) => Object.values(row)[0]);
      });
      plan = explained.join("\n");
    }
  }
  printTable(
    `Growth with stored rollouts: claim query (batch 20, ~1/60 due) and verdict read (findRollout by id), median of ${REPEATS} claims and 200 reads`,
    ["rollouts", "claim (ms)", "claimed", "verdict read (ms)"],
    rolloutRows.map((row) => [row.rollouts, fmt(row.claimMs, 2), row.claimed, fmt(row.verdictReadMs, 3)]),
  );
  process.stdout.write(`\nEXPLAIN ANALYZE of the claim query at ${ROLLOUT_COUNTS.at(-1)} rollouts:\n\n${plan}\n`);
  const usesIndex = plan.includes("rollouts_due_idx");
  process.stdout.write(`\nClaim query uses the partial index rollouts_due_idx: ${usesIndex ? "yes" : "NO"}\n`);
  writeResult("growth", { repeats: REPEATS, window: windowRows, rollouts: rolloutRows, claimPlan: plan, claimUsesIndex: usesIndex });
} finally {
  await sql.end();
  await handle.close();
  await database.drop();
}

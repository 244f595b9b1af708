import type { CheckDetails, CheckResult, QueryRun } from "../../src/analysis/check-result.js";
import { initialPolicyState } from "../../src/analysis/policy.js";
import type { Database } from "../../src/db/client.js";
import { recordEvaluation } from "../../src/db/queries/evaluations.js";
import { insertRollout, type NewRollout } from "../../src/db/queries/rollouts.js";
import { emptyDetails } from "../../src/evaluation/empty-details.js";

const MINUTE = 60_000;

/** Inserts a rollout as the API would store it; fields given override the defaults. */
export async function seedRollout(db: Database, values: Partial<NewRollout> = {}) {
  const startedAt = values.startedAt ?? new Date("2025-06-01T12:00:00Z");
  const { rollout } = await insertRollout(db, {
    gateName: "web",
    gateVersion: 1,
    service: "checkout",
    environment: "prod",
    version: `v${Math.random().toString(36).slice(2, 8)}`,
    baselineVersion: null,
    labels: {},
    startedAt,
    createdAt: startedAt,
    reason: "Waiting for the 1m stabilisation delay.",
    nextEvaluationAt: new Date(startedAt.getTime() + MINUTE),
    policyState: initialPolicyState,
    ...values,
  });
  return rollout;
}

export async function addEvaluation(
  db: Database,
  rolloutId: string,
  evaluation: { at: Date; verdict: "pending" | "continue" | "halt"; isFinal?: boolean; reason: string; score: number | null; results: CheckResult[] },
) {
  const stored = await recordEvaluation(db, {
    rolloutId,
    evaluatedAt: evaluation.at,
    verdict: evaluation.verdict,
    isFinal: evaluation.isFinal ?? false,
    reason: evaluation.reason,
    score: evaluation.score,
    trigger: "scheduler",
    durationMs: 12,
    results: evaluation.results,
    policyState: initialPolicyState,
    checkStates: {},
    nextEvaluationAt: new Date(evaluation.at.getTime() + MINUTE),
  });
  if (!stored) throw new Error("the evaluation was not recorded");
  return stored;
}

/** A metric check's details with nothing measured; tests fill in what they need. */
export function details(values: Partial<CheckDetails>): CheckDetails {
  return { ...emptyDetails("metric", "prometheus", "sequential-mean"), kind: "series", direction: "increase", tolerance: 0.05, confidence: 0.95, alpha: 0.0125, ...values };
}

export function result(name: string, outcome: CheckResult["result"], values: Partial<CheckDetails>, options: { critical?: boolean; summary?: string } = {}): CheckResult {
  return { name, result: outcome, critical: options.critical ?? true, weight: 1, summary: options.summary ?? `${name}: ${outcome}.`, details: details(values) };
}

/** One query run: `values` become one point per minute from `from`. */
export function run(role: QueryRun["role"], query: string, from: Date, values: number[]): QueryRun {
  const start = from.getTime() / 1000;
  return {
    role,
    query,
    start: from.toISOString(),
    end: new Date(from.getTime() + Math.max(0, values.length - 1) * MINUTE).toISOString(),
    points: values.length,
    link: `http://prometheus.test/graph?g0.expr=${encodeURIComponent(query)}`,
    sample: values.map((value, i): [number, number] => [start + i * 60, value]),
  };
}

export function bucketRun(role: "baselineBuckets" | "canaryBuckets", query: string, from: Date, counts: number[]): QueryRun {
  return { role, query, start: from.toISOString(), end: new Date(from.getTime() + 10 * MINUTE).toISOString(), points: 10, link: null, histogram: { le: ["0.1", "0.25", "0.5", "1", "+Inf"], counts } };
}

export const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);

export const MONITOR_LINK = "http://prometheus.test/graph?g0.expr=ALERTS%7Balertname%3D%22HighLatency%22%7D";

/**
 * A rollout halted at its second evaluation: the critical `alerts` monitor check and the `latency`
 * check fail; `errors` (counts) and `tail` (histogram) do not.
 */
export async function seedHaltedRollout(db: Database, values: Partial<NewRollout> = {}) {
  const rollout = await seedRollout(db, values);
  const started = rollout.startedAt;
  const before = minutesAfter(started, -30);
  const latencyQuery = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="checkout"}[1m])))';
  const wave = (base: number, n: number, step = 0.002) => Array.from({ length: n }, (_, i) => base + ((i * 7) % 5) * step);
  const latency = (outcome: CheckResult["result"], canary: QueryRun, extra: Partial<CheckDetails> = {}, first = false) =>
    result("latency", outcome, { queries: first ? [run("baseline", latencyQuery, before, wave(0.1, 30)), canary] : [canary], ...extra }, { summary: `latency: canary geometric mean ${outcome === "fail" ? "+12.2%" : "+4%"}.` });
  const errorsQueries = (from: Date, n: number, first: boolean) => [
    ...(first ? [run("baselineErrors", "sum(increase(errors[1m]))", before, wave(5, 30, 1)), run("baselineTotal", "sum(increase(requests[1m]))", before, wave(1000, 30, 10))] : []),
    run("canaryErrors", "sum(increase(errors[1m]))", from, wave(7, n, 1)),
    run("canaryTotal", "sum(increase(requests[1m]))", from, wave(1000, n, 10)),
  ];
  const errors = (outcome: CheckResult["result"], from: Date, n: number, first: boolean) =>
    result("errors", outcome, { kind: "counts", test: "sequential-rate", tolerance: 0.5, intervalKind: "relative", interval: { estimate: 0.3, lower: -0.2, upper: 0.9 }, queries: errorsQueries(from, n, first) });
  const tail = (first: boolean, from: Date) =>
    result("tail", "pass", {
      kind: "histogram",
      test: "sequential-quantile",
      intervalKind: "relative",
      interval: { estimate: -0.1, lower: -0.4, upper: 0.2 },
      queries: [...(first ? [bucketRun("baselineBuckets", "http_request_duration_seconds_bucket", before, [500, 800, 950, 990, 1000])] : []), bucketRun("canaryBuckets", "http_request_duration_seconds_bucket", from, [40, 70, 90, 98, 100])],
    });
  const monitor = (outcome: CheckResult["result"], monitors: NonNullable<CheckDetails["monitors"]>) =>
    result("alerts", outcome, { type: "monitor", kind: null, test: null, direction: null, tolerance: null, confidence: null, alpha: null, matched: monitors.length, monitors }, { summary: outcome === "fail" ? "alerts: 1 monitor alerting since the rollout started: HighLatency." : "alerts: no monitor alerting." });

  await addEvaluation(db, rollout.id, {
    at: minutesAfter(started, 6),
    verdict: "pending",
    reason: "Waiting for evidence: 2 checks inconclusive.",
    score: 50,
    results: [monitor("pass", []), latency("inconclusive", run("canary", latencyQuery, minutesAfter(started, 1), wave(0.11, 5)), {}, true), errors("inconclusive", minutesAfter(started, 1), 5, true), tail(true, minutesAfter(started, 1))],
  });
  const halted = await addEvaluation(db, rollout.id, {
    at: minutesAfter(started, 10),
    verdict: "halt",
    isFinal: true,
    reason: "Critical check alerts: alerts: 1 monitor alerting since the rollout started: HighLatency.",
    score: 0,
    results: [
      monitor("fail", [
        { id: "HighLatency", name: "HighLatency", status: "alert", since: minutesAfter(started, 8).toISOString(), labels: { service: "checkout", severity: "page" }, link: MONITOR_LINK, verdict: "alerting", reason: "alerting since after the rollout started" },
        { id: "DiskAlmostFull", name: "DiskAlmostFull", status: "alert", since: minutesAfter(started, -60).toISOString(), labels: { service: "checkout" }, link: "http://prometheus.test/alerts", verdict: "preexisting", reason: "alerting since before the rollout started" },
      ]),
      latency("fail", run("canary", latencyQuery, minutesAfter(started, 6), wave(0.112, 4)), { intervalKind: "relative", interval: { estimate: 0.122, lower: 0.061, upper: 0.183 }, relativeChange: 0.122, pValue: 0.0021, eValue: 476 }),
      errors("inconclusive", minutesAfter(started, 6), 4, false),
      tail(false, minutesAfter(started, 6)),
    ],
  });
  return halted;
}

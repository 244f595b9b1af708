import { metrics, type Counter, type Histogram, type Meter, type ObservableGauge } from "@opentelemetry/api";

/**
 * Every instrument the service records, defined once. Names and attributes are a contract with
 * dashboards and alerts: change them only with those. No ids as attributes (cardinality).
 */
export interface Meters {
  /** Evaluations stored, by `verdict` and `final`. */
  evaluations: Counter;
  /** Seconds one evaluation took, fetch to commit, by `verdict`. */
  evaluationDuration: Histogram;
  /** Seconds one source request took, by `source_type` and `outcome` (ok or the error kind). */
  sourceFetchDuration: Histogram;
  /** Failed source requests, by `source_type` and `kind`. */
  sourceFetchErrors: Counter;
  /** Verdict reads by deploy tools, by `verdict`. */
  verdictRequests: Counter;
  /** Rollouts not yet final. */
  activeRollouts: ObservableGauge;
}

/**
 * Creates the instruments on a meter. Call after the SDK has started (main.ts runs after
 * instrumentation.ts): instruments made before a meter provider is registered stay no-ops.
 */
export function createMeters(meter: Meter = metrics.getMeter("canary-gate")): Meters {
  return {
    evaluations: meter.createCounter("canary_gate.evaluations", { description: "Rollout evaluations stored" }),
    evaluationDuration: meter.createHistogram("canary_gate.evaluation.duration", { unit: "s", description: "Time to evaluate a rollout" }),
    sourceFetchDuration: meter.createHistogram("canary_gate.source.fetch.duration", { unit: "s", description: "Time of one request to a source" }),
    sourceFetchErrors: meter.createCounter("canary_gate.source.fetch.errors", { description: "Failed requests to sources" }),
    verdictRequests: meter.createCounter("canary_gate.verdict.requests", { description: "Verdicts read by deploy tools" }),
    activeRollouts: meter.createObservableGauge("canary_gate.rollouts.active", { description: "Rollouts not yet final" }),
  };
}

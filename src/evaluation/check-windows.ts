import type { MetricCheck } from "../analysis/check-schema.js";
import { parseDuration } from "../analysis/duration.js";
import type { GateDefinition } from "../analysis/gate.js";
import type { CheckWindows } from "./run-check.js";

/** Baseline: the window before the rollout started. Canary: from the end of the delay until now. */
export function checkWindows(gate: GateDefinition, check: MetricCheck, startedAt: Date, now: Date): CheckWindows {
  const stepSeconds = Math.max(1, Math.round((parseDuration(check.step) ?? 60_000) / 1000));
  const baselineMs = parseDuration(check.baseline.window) ?? 1_800_000;
  const delayMs = parseDuration(gate.delay) ?? 0;
  return {
    baseline: { start: new Date(startedAt.getTime() - baselineMs), end: new Date(startedAt.getTime() - 1), stepSeconds },
    canary: { start: new Date(startedAt.getTime() + delayMs), end: now, stepSeconds },
  };
}

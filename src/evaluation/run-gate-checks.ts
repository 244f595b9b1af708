import { setMaxListeners } from "node:events";
import type { CheckResult } from "../analysis/check-result.js";
import type { ConditionCheck, GateCheck } from "../analysis/check-schema.js";
import { checkAlpha, type GateDefinition } from "../analysis/gate.js";
import { judgeCondition } from "../analysis/judge-condition.js";
import type { CheckState } from "../analysis/judge-sequential.js";
import type { TemplateContext } from "../analysis/template.js";
import type { RolloutRow } from "../db/queries/rollouts.js";
import { inSpan } from "../telemetry/tracer.js";
import { emptyDetails } from "./empty-details.js";
import type { EvaluationDeps } from "./evaluate-rollout.js";
import { checkWindows } from "./check-windows.js";
import { runCheck } from "./run-check.js";
import { runHttpCheck } from "./run-http-check.js";
import { runMonitorCheck } from "./run-monitor-check.js";
import type { SharedFetches } from "./shared-fetches.js";

type Output = { result: CheckResult; state: CheckState | null };

/**
 * Runs every check of a gate for one evaluation: source checks in parallel, each in a `check.evaluate`
 * span; then condition checks, which may read the other checks' numbers and the rollout's properties.
 */
export async function runGateChecks(deps: EvaluationDeps, rollout: RolloutRow, gate: GateDefinition, began: Date): Promise<{ results: CheckResult[]; checkStates: Record<string, CheckState> }> {
  const context: TemplateContext = {
    service: rollout.service,
    environment: rollout.environment,
    version: rollout.version,
    baselineVersion: rollout.baselineVersion ?? rollout.version,
    labels: rollout.labels,
  };
  const { meters } = deps;
  const sharedFetches: SharedFetches = new Map();
  // Every source check starts now, so one signal carries the source timeout for all of them.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException(`no answer within ${deps.sourceTimeoutMs} ms`, "TimeoutError")), deps.sourceTimeoutMs);
  const { signal } = timeout;
  // Each request in flight listens to it, so a gate with many queries passes the default warning limit of 10.
  setMaxListeners(0, signal);
  const run = async (check: Exclude<GateCheck, ConditionCheck>): Promise<Output> => {
    const entry = deps.sources.get(check.source);
    if (check.type === "monitor") {
      const result = await runMonitorCheck({ check, source: entry?.monitors, context, startedAt: rollout.startedAt, now: began, onNoData: gate.onNoData, signal, meters });
      return { result, state: null };
    }
    if (check.type === "http") return { result: await runHttpCheck({ check, source: entry?.http, context, signal, meters }), state: null };
    const windows = checkWindows(gate, check, rollout.startedAt, began);
    return runCheck({ check, source: entry?.metrics, context, windows, signal, alpha: checkAlpha(gate, check), prior: rollout.checkStates[check.name] ?? null, meters, sharedFetches });
  };
  const traced = (check: GateCheck, work: () => Promise<Output>) =>
    inSpan("check.evaluate", { "canary.check": check.name, "canary.check.type": check.type, "canary.source.type": check.type === "condition" ? "none" : (deps.sources.get(check.source)?.type ?? "unknown") }, async (span) => {
      const output = await work();
      span.setAttribute("canary.result", output.result.result);
      return { ...output, result: { ...output.result, onNoData: check.onNoData, onError: check.onError, dryRun: check.dryRun } };
    });

  const outputs = new Map<string, Output>();
  const sourced = gate.checks.flatMap((check) => (check.type === "condition" ? [] : [check]));
  try {
    await Promise.all(sourced.map(async (check) => outputs.set(check.name, await traced(check, () => run(check)))));
  } finally {
    clearTimeout(timer);
  }
  const numbers = Object.fromEntries([...outputs.values()].map(({ result }) => [result.name, numbersOf(result)]));
  for (const check of gate.checks) {
    if (check.type !== "condition") continue;
    outputs.set(check.name, await traced(check, async () => ({ result: conditionResult(check, { ...context, properties: rollout.properties, checks: numbers }), state: null })));
  }
  const results = gate.checks.flatMap((check) => {
    const output = outputs.get(check.name);
    return output ? [output.result] : [];
  });
  const checkStates = Object.fromEntries(gate.checks.flatMap((check) => {
    const state = outputs.get(check.name)?.state;
    return state ? [[check.name, state]] : [];
  }));
  return { results, checkStates };
}

/** What a condition may read of another check: its result and its numbers. */
function numbersOf(result: CheckResult): Record<string, unknown> {
  const { details } = result;
  return {
    result: result.result,
    pValue: details.pValue,
    eValue: details.eValue,
    relativeChange: details.relativeChange,
    estimate: details.interval?.estimate ?? null,
    lower: details.interval?.lower ?? null,
    upper: details.interval?.upper ?? null,
  };
}

function conditionResult(check: ConditionCheck, scope: Record<string, unknown>): CheckResult {
  const judgement = judgeCondition(check, scope);
  return {
    name: check.name,
    result: judgement.result,
    critical: check.critical,
    weight: check.weight,
    summary: judgement.summary,
    details: { ...emptyDetails("condition", "properties", "condition"), error: judgement.result === "error" ? { kind: "condition", message: judgement.summary } : null },
    needsApproval: judgement.needsApproval,
  };
}

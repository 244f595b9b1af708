import { evaluateCondition, parseCondition } from "./condition.js";
import type { CheckOutcome } from "./types.js";

export interface ConditionJudgement {
  result: CheckOutcome;
  /** The condition met only the approval expression: a person must decide (CloudBees' middle band). */
  needsApproval: boolean;
  summary: string;
}

/**
 * A `type: condition` check over rollout properties and other checks' numbers, three ways as CloudBees
 * entry/exit gates judge them: `pass` true passes; else `approval` true asks a person; else fail.
 * A missing property is `nodata`, so the gate's onNoData decides.
 */
export function judgeCondition(check: { name: string; pass: string; approval?: string | undefined }, scope: Record<string, unknown>): ConditionJudgement {
  const run = (expression: string) => {
    const parsed = parseCondition(expression);
    return parsed.ok ? evaluateCondition(parsed.condition, scope) : { ok: false as const, error: parsed.error };
  };
  const passed = run(check.pass);
  if (!passed.ok) return missingOrError(check.name, check.pass, passed.error);
  if (passed.value) return { result: "pass", needsApproval: false, summary: `${check.name}: \`${check.pass}\` holds.` };
  if (check.approval) {
    const approvable = run(check.approval);
    if (!approvable.ok) return missingOrError(check.name, check.approval, approvable.error);
    if (approvable.value) return { result: "inconclusive", needsApproval: true, summary: `${check.name}: \`${check.pass}\` does not hold but \`${check.approval}\` does, so a person must approve.` };
  }
  return { result: "fail", needsApproval: false, summary: `${check.name}: \`${check.pass}\` does not hold${check.approval ? `, nor \`${check.approval}\`` : ""}.` };
}

function missingOrError(name: string, expression: string, error: string): ConditionJudgement {
  const missing = /null|undefined|missing/i.test(error);
  return { result: missing ? "nodata" : "error", needsApproval: false, summary: `${name}: \`${expression}\` cannot be judged yet: ${error}.` };
}

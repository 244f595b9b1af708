import { z } from "zod";
import { Check, Duration, usesErrorBudget, type MetricCheck } from "./check-schema.js";
import { ApprovalPolicy } from "./approvals.js";
import { parseDuration } from "./duration.js";

export { MetricCheck } from "./check-schema.js";

export const GateDefinition = z
  .strictObject({
    description: z.string().max(2_000).optional(),
    delay: Duration.default("1m"),
    interval: Duration.default("1m"),
    timeout: Duration.default("1h"),
    steadyFor: Duration.default("0s"),
    failureLimit: z.number().int().min(0).max(1_000).default(0),
    /** Failed evaluations in a row tolerated before halt (Flagger's threshold); unset: no such limit. */
    consecutiveFailureLimit: z.number().int().min(0).max(1_000).optional(),
    /** Inconclusive evaluations tolerated before halt (Argo's inconclusiveLimit); unset: no such limit. */
    inconclusiveLimit: z.number().int().min(0).max(10_000).optional(),
    /** Evaluations in a row with a source error tolerated before halt (Argo's consecutiveErrorLimit). */
    consecutiveErrorLimit: z.number().int().min(0).max(1_000).default(4),
    /** After a source error the next evaluation comes this soon, not after the full interval. */
    errorRetryInterval: Duration.default("10s"),
    /** Watch mode: a rollout that never failed past its limits is final `continue` after this long. */
    duration: Duration.optional(),
    /** The verdict deploy tools see never halts; the real outcome is recorded and shown. */
    dryRun: z.boolean().default(false),
    /** Where in the stage the gate sits: `entry` (pre-deployment) or `exit` (post-deployment). */
    phase: z.enum(["entry", "exit"]).default("exit"),
    approvals: ApprovalPolicy.optional(),
    onNoData: z.enum(["fail", "inconclusive", "pass"]).default("fail"),
    onError: z.enum(["fail", "inconclusive", "pass"]).default("fail"),
    /** How the gate's false-alarm budget is shared by its checks: Bonferroni (each gets 1/M) or not at all. */
    errorBudget: z.enum(["bonferroni", "none"]).default("bonferroni"),
    /** Score thresholds (Kayenta's): at or above `pass` passes, below `marginal` fails, between is marginal. */
    scoring: z
      .strictObject({ pass: z.number().min(0).max(100).default(95), marginal: z.number().min(0).max(100).default(75) })
      .refine((scoring) => scoring.marginal <= scoring.pass, { message: "marginal must not exceed pass", path: ["marginal"] })
      .default({ pass: 95, marginal: 75 }),
    checks: z.array(Check).min(1, "a gate needs at least one check").max(100),
  })
  .superRefine((gate, ctx) => {
    const seen = new Set<string>();
    gate.checks.forEach((check, index) => {
      if (seen.has(check.name)) {
        ctx.addIssue({ code: "custom", path: ["checks", index, "name"], message: `check name "${check.name}" is used twice` });
      }
      seen.add(check.name);
    });
    if ((parseDuration(gate.interval) ?? 0) < 1_000) {
      ctx.addIssue({ code: "custom", path: ["interval"], message: "interval must be at least 1s" });
    }
  });
export type GateDefinition = z.infer<typeof GateDefinition>;
/** A gate as written, before defaults are applied. */
export type GateDefinitionInput = z.input<typeof GateDefinition>;

export const GateName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "must be 1-63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");

/** Gate timings in milliseconds. */
export interface GateTiming {
  delayMs: number;
  intervalMs: number;
  timeoutMs: number;
  steadyForMs: number;
  errorRetryMs: number;
  /** Watch mode's duration; null in gate mode (final once the checks pass). */
  durationMs: number | null;
}

export function gateTiming(gate: Pick<GateDefinition, "delay" | "interval" | "timeout" | "steadyFor" | "errorRetryInterval" | "duration">): GateTiming {
  return {
    delayMs: parseDuration(gate.delay) ?? 0,
    intervalMs: parseDuration(gate.interval) ?? 60_000,
    timeoutMs: parseDuration(gate.timeout) ?? 3_600_000,
    steadyForMs: parseDuration(gate.steadyFor) ?? 0,
    errorRetryMs: parseDuration(gate.errorRetryInterval) ?? 10_000,
    durationMs: gate.duration === undefined ? null : (parseDuration(gate.duration) ?? null),
  };
}

/** Every source name a gate refers to, so the server can reject gates naming unknown sources. */
export function sourcesOf(gate: GateDefinition): string[] {
  return [...new Set(gate.checks.flatMap((check) => (check.type === "condition" ? [] : [check.source])))];
}

/**
 * The false-alarm probability a check may spend: 1 − confidence, divided among the gate's checks that
 * spend the budget when the gate splits it (Bonferroni), so the gate as a whole keeps its level.
 */
export function checkAlpha(gate: GateDefinition, check: MetricCheck): number {
  const alpha = 1 - check.confidence;
  if (gate.errorBudget === "none") return alpha;
  const spenders = gate.checks.filter(usesErrorBudget).length;
  return alpha / Math.max(1, spenders);
}

import { z } from "@hono/zod-openapi";
import type { CheckResultRow, EvaluationRow } from "../../../db/queries/evaluations.js";
import type { RolloutRow, VerdictRow } from "../../../db/queries/rollouts.js";

// Rollout fields end up inside query templates, so quotes, backslashes and braces are refused.
const Identifier = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/@+-]*$/, "must start with a letter or digit and contain only letters, digits and _ . : / @ + -");
const LabelValue = z.string().max(200).regex(/^[^"'\\{}\n\r]*$/, "must not contain quotes, backslashes, braces or line breaks");
const LabelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,62}$/, "must be a label name");

/** Facts attached to a rollout: flat, of plain values, read by condition checks as `properties.NAME`. */
export const Properties = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be a property name (letters, digits, _)"), z.union([z.number(), z.string().max(1_000), z.boolean(), z.null()]))
  .refine((properties) => Object.keys(properties).length <= 50, "at most 50 properties")
  .openapi("Properties", { example: { testPassRate: 0.97, coverage: 0.81, changeTicket: "CHG-1234" } });

export const CreateRolloutBody = z
  .strictObject({
    gate: z.string().min(1).max(63).openapi({ example: "checkout-latency" }),
    service: Identifier.openapi({ example: "checkout" }),
    environment: Identifier.openapi({ example: "production" }),
    version: Identifier.openapi({ example: "v1.8.0" }),
    baselineVersion: Identifier.optional().openapi({ example: "v1.7.3" }),
    startedAt: z.iso.datetime({ offset: true }).optional().openapi({ description: "When the new version started taking traffic; default now." }),
    labels: z.record(LabelName, LabelValue).refine((labels) => Object.keys(labels).length <= 50, "at most 50 labels").optional(),
    properties: Properties.optional(),
    phase: z.enum(["entry", "exit"]).optional().openapi({ description: "Stage entry (pre-deployment) or exit (post-deployment); default: the gate's phase" }),
  })
  .openapi("CreateRollout");

export const RolloutParams = z.object({
  id: z.uuid({ message: "must be a rollout id (a UUID)" }).openapi({ param: { name: "id", in: "path" }, example: "0b7c6a52-3f0e-4f59-9a8e-2f1f3f7d9b10" }),
});

export const ListRolloutsQuery = z.strictObject({
  service: Identifier.optional(),
  environment: Identifier.optional(),
  gate: z.string().max(63).optional(),
  verdict: z.enum(["pending", "continue", "halt"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional().openapi({ description: "Only rollouts created before this time (for paging)." }),
});

export const CheckSummarySchema = z
  .object({
    name: z.string(),
    result: z.enum(["pass", "fail", "inconclusive", "nodata", "error"]),
    critical: z.boolean(),
    summary: z.string(),
  })
  .openapi("CheckSummary");

export const VerdictSchema = z
  .object({
    id: z.string(),
    verdict: z.enum(["pending", "continue", "halt"]),
    final: z.boolean(),
    reason: z.string(),
    score: z.number().nullable(),
    evaluatedAt: z.string().nullable(),
    nextEvaluationAt: z.string().nullable(),
    checks: z.array(CheckSummarySchema),
    investigationUrl: z.string(),
    phase: z.enum(["entry", "exit"]),
    /** Set when the gate is a dry run and its real outcome differs from `verdict`. */
    realVerdict: z.enum(["pending", "continue", "halt"]).nullable(),
  })
  .openapi("Verdict");
export type VerdictSchema = z.infer<typeof VerdictSchema>;

export const RolloutSchema = z
  .object({
    id: z.string(),
    gate: z.object({ name: z.string(), version: z.number().int() }),
    service: z.string(),
    environment: z.string(),
    version: z.string(),
    baselineVersion: z.string().nullable(),
    labels: z.record(z.string(), z.string()),
    startedAt: z.string(),
    createdAt: z.string(),
    verdict: z.enum(["pending", "continue", "halt"]),
    final: z.boolean(),
    reason: z.string(),
    score: z.number().nullable(),
    evaluationCount: z.number().int(),
    evaluatedAt: z.string().nullable(),
    nextEvaluationAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    checks: z.array(CheckSummarySchema),
    verdictUrl: z.string(),
    investigationUrl: z.string(),
    phase: z.enum(["entry", "exit"]),
    properties: z.record(z.string(), z.unknown()),
    realVerdict: z.enum(["pending", "continue", "halt"]).nullable(),
    realReason: z.string().nullable(),
    invalidated: z.object({ at: z.string(), reason: z.string() }).nullable(),
  })
  .openapi("Rollout");
export type RolloutSchema = z.infer<typeof RolloutSchema>;

export const CheckResultSchema = CheckSummarySchema.extend({
  test: z.string().nullable(),
  pValue: z.number().nullable(),
  estimate: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  relativeChange: z.number().nullable(),
  details: z.record(z.string(), z.unknown()),
}).openapi("CheckResult");

export const EvaluationSchema = z
  .object({
    sequence: z.number().int(),
    evaluatedAt: z.string(),
    verdict: z.enum(["pending", "continue", "halt"]),
    final: z.boolean(),
    reason: z.string(),
    score: z.number().nullable(),
    trigger: z.enum(["scheduler", "request"]),
    durationMs: z.number(),
    realVerdict: z.enum(["pending", "continue", "halt"]).nullable(),
    invalidated: z.object({ at: z.string(), reason: z.string() }).nullable(),
    checks: z.array(CheckResultSchema),
  })
  .openapi("Evaluation");

export const RolloutDetailSchema = RolloutSchema.extend({
  evaluations: z.array(EvaluationSchema),
  approvals: z.array(z.object({ rule: z.string(), approver: z.string(), decision: z.enum(["approve", "reject"]), comment: z.string().nullable(), decidedAt: z.string() })),
  notifications: z.array(
    z.object({ target: z.string(), event: z.string(), status: z.enum(["pending", "delivered", "failed"]), attempts: z.number().int(), lastError: z.string().nullable(), createdAt: z.string(), deliveredAt: z.string().nullable() }),
  ),
}).openapi("RolloutDetail");

export interface Links {
  publicUrl: string;
}

export function rolloutLinks(row: Pick<RolloutRow, "id">, links: Links) {
  return {
    verdictUrl: `${links.publicUrl}/v1/rollouts/${row.id}/verdict`,
    investigationUrl: `${links.publicUrl}/rollouts/${row.id}`,
  };
}

/** A verdict is served from the rollout row alone; nothing is evaluated on read. */
export function toVerdict(row: VerdictRow, links: Links): VerdictSchema {
  return {
    id: row.id,
    verdict: row.verdict,
    final: row.isFinal,
    reason: row.reason,
    score: row.score,
    evaluatedAt: row.evaluatedAt?.toISOString() ?? null,
    nextEvaluationAt: row.isFinal ? null : row.nextEvaluationAt.toISOString(),
    checks: row.latestChecks,
    investigationUrl: rolloutLinks(row, links).investigationUrl,
    phase: row.phase,
    realVerdict: row.realVerdict,
  };
}

export function toRollout(row: RolloutRow, links: Links): RolloutSchema {
  return {
    id: row.id,
    gate: { name: row.gateName, version: row.gateVersion },
    service: row.service,
    environment: row.environment,
    version: row.version,
    baselineVersion: row.baselineVersion,
    labels: row.labels,
    startedAt: row.startedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    verdict: row.verdict,
    final: row.isFinal,
    reason: row.reason,
    score: row.score,
    evaluationCount: row.evaluationCount,
    evaluatedAt: row.evaluatedAt?.toISOString() ?? null,
    nextEvaluationAt: row.isFinal ? null : row.nextEvaluationAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    checks: row.latestChecks,
    ...rolloutLinks(row, links),
    phase: row.phase,
    properties: row.properties,
    realVerdict: row.realVerdict,
    realReason: row.realReason,
    invalidated: row.invalidatedAt ? { at: row.invalidatedAt.toISOString(), reason: row.invalidationReason ?? "" } : null,
  };
}

export function toEvaluation(row: EvaluationRow & { checks: CheckResultRow[] }) {
  return {
    sequence: row.sequence,
    evaluatedAt: row.evaluatedAt.toISOString(),
    verdict: row.verdict,
    final: row.isFinal,
    reason: row.reason,
    score: row.score,
    trigger: row.trigger,
    durationMs: row.durationMs,
    realVerdict: row.realVerdict,
    invalidated: row.invalidatedAt ? { at: row.invalidatedAt.toISOString(), reason: row.invalidationReason ?? "" } : null,
    checks: row.checks.map((check) => ({
      name: check.checkName,
      result: check.result,
      critical: check.critical,
      summary: check.summary,
      test: check.test,
      pValue: check.pValue,
      estimate: check.estimate,
      lower: check.lower,
      upper: check.upper,
      relativeChange: check.relativeChange,
      details: check.details as unknown as Record<string, unknown>,
    })),
  };
}

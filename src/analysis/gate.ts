import { z } from "zod";
import { parseDuration } from "./duration.js";
import { findTemplateProblem } from "./template.js";

const Duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, {
    message: "must be a duration such as 30s, 5m or 1h",
  });

const Query = z
  .string()
  .min(1)
  .max(10_000)
  .superRefine((text, ctx) => {
    const problem = findTemplateProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const CheckName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'");

export const SeriesTest = z.enum(["mann-whitney", "relative", "threshold"]);
export const CountsTest = z.enum(["rate-ratio"]);
export const Aggregate = z.enum(["mean", "median", "p90", "p95", "p99", "max", "min"]);

const CheckCommon = {
  name: CheckName,
  source: z.string().min(1).max(100),
  step: Duration.default("1m"),
  baseline: z.strictObject({ window: Duration.default("30m") }).default({ window: "30m" }),
  direction: z.enum(["increase", "decrease", "either"]).default("increase"),
  tolerance: z.number().min(0).max(100).default(0.05),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  critical: z.boolean().default(false),
  weight: z.number().min(0).max(1_000).default(1),
};

const SeriesCheck = z.strictObject({
  ...CheckCommon,
  type: z.literal("metric").default("metric"),
  kind: z.literal("series").default("series"),
  query: Query,
  baselineQuery: Query.optional(),
  test: SeriesTest.default("mann-whitney"),
  aggregate: Aggregate.default("mean"),
  min: z.number().optional(),
  max: z.number().optional(),
});

const CountsCheck = z.strictObject({
  ...CheckCommon,
  type: z.literal("metric").default("metric"),
  kind: z.literal("counts"),
  errors: Query,
  total: Query,
  baselineErrors: Query.optional(),
  baselineTotal: Query.optional(),
  test: CountsTest.default("rate-ratio"),
});

export const MetricCheck = z
  .discriminatedUnion("kind", [SeriesCheck, CountsCheck])
  .superRefine((check, ctx) => {
    if (check.kind === "series" && check.test === "threshold" && check.min === undefined && check.max === undefined) {
      ctx.addIssue({ code: "custom", path: ["max"], message: "a threshold test needs `max`, `min` or both" });
    }
  });
export type MetricCheck = z.infer<typeof MetricCheck>;

/** Accepts checks written without `kind` (series is the default) and reports the bad field precisely. */
const Check = z.preprocess(
  (raw) => (raw && typeof raw === "object" && !("kind" in raw) ? { ...raw, kind: "series" } : raw),
  MetricCheck,
);

export const GateDefinition = z
  .strictObject({
    description: z.string().max(2_000).optional(),
    delay: Duration.default("1m"),
    interval: Duration.default("1m"),
    timeout: Duration.default("1h"),
    steadyFor: Duration.default("0s"),
    failureLimit: z.number().int().min(0).max(1_000).default(0),
    onNoData: z.enum(["fail", "inconclusive", "pass"]).default("fail"),
    onError: z.enum(["fail", "inconclusive"]).default("fail"),
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
}

export function gateTiming(gate: GateDefinition): GateTiming {
  return {
    delayMs: parseDuration(gate.delay) ?? 0,
    intervalMs: parseDuration(gate.interval) ?? 60_000,
    timeoutMs: parseDuration(gate.timeout) ?? 3_600_000,
    steadyForMs: parseDuration(gate.steadyFor) ?? 0,
  };
}

/** Every source name a gate refers to, so the server can reject gates naming unknown sources. */
export function sourcesOf(gate: GateDefinition): string[] {
  return [...new Set(gate.checks.map((check) => check.source))];
}

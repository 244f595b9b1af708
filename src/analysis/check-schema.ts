import { z } from "zod";
import { parseDuration } from "./duration.js";
import { findTemplateProblem } from "./template.js";

export const Duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, { message: "must be a duration such as 30s, 5m or 1h" });

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

export const SeriesTest = z.enum(["sequential-mean", "mann-whitney", "relative", "threshold"]);
export const CountsTest = z.enum(["sequential-rate", "rate-ratio"]);
export const HistogramTest = z.enum(["sequential-quantile", "sequential-distribution"]);
export const Aggregate = z.enum(["mean", "median", "p90", "p95", "p99", "max", "min"]);

/** Where the baseline comes from: a window before the rollout, or a concurrent control (the stable version now). */
const Baseline = z
  .strictObject({
    window: Duration.default("30m"),
    mode: z.enum(["pre-deployment", "concurrent"]).default("pre-deployment"),
    /** The canary's share of traffic when the control runs concurrently (needed by count tests). */
    canaryShare: z.number().gt(0).lt(1).optional(),
  })
  .default({ window: "30m", mode: "pre-deployment" });

/** Kayenta's classifier settings for `mann-whitney` with `mode: kayenta` (research/kayenta.md §1.1). */
const KayentaOptions = z
  .strictObject({
    tolerance: z.number().min(0).max(10).default(0.25),
    confidence: z.number().gt(0.5).lt(1).default(0.98),
    nanStrategy: z.enum(["remove", "replace"]).default("remove"),
    outliers: z.strictObject({ strategy: z.enum(["remove", "keep"]).default("keep"), factor: z.number().positive().default(3) }).default({ strategy: "keep", factor: 3 }),
    effectSize: z
      .strictObject({
        measure: z.enum(["meanRatio", "cles"]).default("meanRatio"),
        allowedIncrease: z.number().optional(),
        allowedDecrease: z.number().optional(),
        criticalIncrease: z.number().optional(),
        criticalDecrease: z.number().optional(),
      })
      .default({ measure: "meanRatio" }),
    mustHaveData: z.boolean().default(false),
  })
  .default({ tolerance: 0.25, confidence: 0.98, nanStrategy: "remove", outliers: { strategy: "keep", factor: 3 }, effectSize: { measure: "meanRatio" }, mustHaveData: false });

const CheckCommon = {
  name: CheckName,
  type: z.literal("metric").default("metric"),
  source: z.string().min(1).max(100),
  step: Duration.default("1m"),
  baseline: Baseline,
  direction: z.enum(["increase", "decrease", "either"]).default("increase"),
  tolerance: z.number().min(0).max(100).default(0.05),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  critical: z.boolean().default(false),
  weight: z.number().min(0).max(1_000).default(1),
};

const SeriesCheck = z.strictObject({
  ...CheckCommon,
  kind: z.literal("series").default("series"),
  query: Query,
  baselineQuery: Query.optional(),
  test: SeriesTest.default("sequential-mean"),
  mode: z.enum(["standard", "kayenta"]).default("standard"),
  kayenta: KayentaOptions,
  aggregate: Aggregate.default("mean"),
  min: z.number().optional(),
  max: z.number().optional(),
});

const CountsCheck = z.strictObject({
  ...CheckCommon,
  kind: z.literal("counts"),
  errors: Query,
  total: Query,
  baselineErrors: Query.optional(),
  baselineTotal: Query.optional(),
  test: CountsTest.default("sequential-rate"),
});

const HistogramCheck = z.strictObject({
  ...CheckCommon,
  kind: z.literal("histogram"),
  /** A bucket selector, e.g. `http_request_duration_seconds_bucket{service="{{service}}"}`; summed by `le`. */
  query: Query,
  baselineQuery: Query.optional(),
  test: HistogramTest.default("sequential-quantile"),
  quantile: z.number().gt(0).lt(1).default(0.99),
});

export const MetricCheck = z.discriminatedUnion("kind", [SeriesCheck, CountsCheck, HistogramCheck]).superRefine((check, ctx) => {
  if (check.kind === "series" && check.test === "threshold" && check.min === undefined && check.max === undefined) {
    ctx.addIssue({ code: "custom", path: ["max"], message: "a threshold test needs `max`, `min` or both" });
  }
  if (check.kind === "series" && check.mode === "kayenta" && check.test !== "mann-whitney") {
    ctx.addIssue({ code: "custom", path: ["mode"], message: "mode kayenta applies to the mann-whitney test only" });
  }
  if (check.baseline.mode === "concurrent") {
    if (check.kind === "counts" && check.test === "sequential-rate" && check.baseline.canaryShare === undefined) {
      ctx.addIssue({ code: "custom", path: ["baseline", "canaryShare"], message: "a concurrent sequential-rate check needs the canary's share of traffic" });
    }
    if (check.kind !== "counts" && isSequential(check)) {
      ctx.addIssue({ code: "custom", path: ["baseline", "mode"], message: `${check.test} compares with a pre-deployment baseline; use mann-whitney or relative for a concurrent control` });
    }
  }
});
export type MetricCheck = z.infer<typeof MetricCheck>;

/** Checks written without `kind` are series checks. */
export const Check = z.preprocess(
  (raw) => (raw && typeof raw === "object" && !Array.isArray(raw) && !("kind" in raw) ? { ...raw, kind: "series" } : raw),
  MetricCheck,
);

/** Sequential tests keep state across evaluations and are anytime-valid. */
export function isSequential(check: MetricCheck): boolean {
  return check.test.startsWith("sequential-");
}

/** Tests that spend a share of the gate's error budget (their confidence matters). */
export function usesErrorBudget(check: MetricCheck): boolean {
  if (check.kind === "series") return check.test === "sequential-mean" || (check.test === "mann-whitney" && check.mode === "standard");
  return true;
}

/** Every query template of a check, for finding the labels it needs. */
export function templatesOf(check: MetricCheck): string[] {
  if (check.kind === "counts") return [check.errors, check.total, check.baselineErrors ?? "", check.baselineTotal ?? ""];
  return [check.query, check.baselineQuery ?? ""];
}

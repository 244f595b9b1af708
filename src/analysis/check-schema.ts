import { z } from "zod";
import { parseDuration } from "./duration.js";
import { parseCondition, variablesOf } from "./condition.js";
import { parseJsonPath } from "./json-path.js";
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

/** Per-check overrides of the gate's fail-open / fail-closed choices, and dry run. */
const CheckPolicy = {
  onNoData: z.enum(["fail", "inconclusive", "pass"]).optional(),
  onError: z.enum(["fail", "inconclusive", "pass"]).optional(),
  /** Recorded and shown, never decides the verdict: to trust a new check before enforcing it. */
  dryRun: z.boolean().default(false),
};

const CheckCommon = {
  name: CheckName,
  type: z.literal("metric"),
  source: z.string().min(1).max(100),
  step: Duration.default("1m"),
  baseline: Baseline,
  direction: z.enum(["increase", "decrease", "either"]).default("increase"),
  tolerance: z.number().min(0).max(100).default(0.05),
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  critical: z.boolean().default(false),
  weight: z.number().min(0).max(1_000).default(1),
  ...CheckPolicy,
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

const Template = Query;

/** No selected monitor may alert during the canary window (Datadog's monitor rule, Azure's monitor gate). */
export const MonitorCheck = z
  .strictObject({
    name: CheckName,
    type: z.literal("monitor"),
    source: z.string().min(1).max(100),
    /** Regex over alerting rule / alert names (Prometheus, Alertmanager). */
    alertname: z
      .string()
      .min(1)
      .max(1_000)
      .refine((text) => isRegex(text), "must be a valid regular expression")
      .optional(),
    /** Label matchers over alert instances, e.g. `service="{{service}}", severity=~"critical|page"`. */
    selector: Template.optional(),
    /** Datadog monitor search query, e.g. `tag:"service:{{service}}" tag:"env:{{environment}}"`. */
    query: Template.optional(),
    monitorIds: z.array(z.union([z.string().regex(/^\d+$/, "must be a monitor id"), z.number().int().positive()])).min(1).max(500).optional(),
    ignorePreexisting: z.boolean().default(true),
    requireMatch: z.boolean().default(true),
    maxMonitors: z.number().int().min(1).max(10_000).default(50),
    failOnWarn: z.boolean().default(false),
    critical: z.boolean().default(false),
    weight: z.number().min(0).max(1_000).default(1),
    ...CheckPolicy,
  })
  .refine((check) => check.alertname ?? check.selector ?? check.query ?? check.monitorIds, {
    message: "a monitor check needs `alertname`, `selector`, `query` or `monitorIds`",
    path: ["alertname"],
  });
export type MonitorCheck = z.infer<typeof MonitorCheck>;

/** A JSON endpoint's answer, picked with JSONPath and judged by a condition (Azure's "Invoke REST API" gate). */
export const HttpCheck = z
  .strictObject({
    name: CheckName,
    type: z.literal("http"),
    source: z.string().min(1).max(100),
    path: Template,
    method: z.enum(["GET", "POST"]).default("GET"),
    body: z.unknown().optional(),
    jsonPath: z.string().min(1).max(1_000),
    condition: z.string().min(1).max(2_000),
    critical: z.boolean().default(false),
    weight: z.number().min(0).max(1_000).default(1),
    ...CheckPolicy,
  })
  .superRefine((check, ctx) => {
    const path = parseJsonPath(check.jsonPath);
    if (!path.ok) ctx.addIssue({ code: "custom", path: ["jsonPath"], message: path.error });
    const condition = parseCondition(check.condition);
    if (!condition.ok) {
      ctx.addIssue({ code: "custom", path: ["condition"], message: condition.error });
      return;
    }
    const unknown = variablesOf(condition.condition).filter((name: string) => !HTTP_CONDITION_VARIABLES.includes(name));
    if (unknown.length) {
      ctx.addIssue({ code: "custom", path: ["condition"], message: `unknown variable ${unknown.join(", ")}; use ${HTTP_CONDITION_VARIABLES.join(", ")}` });
    }
  });
export type HttpCheck = z.infer<typeof HttpCheck>;

/** What an http check's condition may name: the first picked value, all of them, and the rollout. */
export const HTTP_CONDITION_VARIABLES = ["value", "values", "count", "service", "environment", "version", "baselineVersion", "labels"];

/** What a condition check may name: rollout properties, other checks' numbers, and the rollout. */
export const CONDITION_VARIABLES = ["properties", "checks", "service", "environment", "version", "baselineVersion", "labels"];

const Expression = z
  .string()
  .min(1)
  .max(2_000)
  .superRefine((text, ctx) => {
    const parsed = parseCondition(text);
    if (!parsed.ok) return void ctx.addIssue({ code: "custom", message: parsed.error });
    const unknown = variablesOf(parsed.condition).filter((name: string) => !CONDITION_VARIABLES.includes(name));
    if (unknown.length) ctx.addIssue({ code: "custom", message: `unknown variable ${unknown.join(", ")}; use ${CONDITION_VARIABLES.join(", ")}` });
  });

/**
 * Condition criteria over rollout properties and other checks' numbers (CloudBees): `pass` true passes,
 * else `approval` true asks a person, else it fails. E.g. `properties.testPassRate >= 0.9`.
 */
export const ConditionCheck = z.strictObject({
  name: CheckName,
  type: z.literal("condition"),
  pass: Expression,
  approval: Expression.optional(),
  critical: z.boolean().default(false),
  weight: z.number().min(0).max(1_000).default(1),
  ...CheckPolicy,
});
export type ConditionCheck = z.infer<typeof ConditionCheck>;

export type GateCheck = MetricCheck | MonitorCheck | HttpCheck | ConditionCheck;

/** Checks written without `type` are metric checks; metric checks written without `kind` are series checks. */
export const Check = z.preprocess((raw) => {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const withType = "type" in raw ? raw : { ...raw, type: "metric" };
  return withType.type === "metric" && !("kind" in withType) ? { ...withType, kind: "series" } : withType;
}, z.discriminatedUnion("type", [MetricCheck, MonitorCheck, HttpCheck, ConditionCheck]));

function isRegex(text: string): boolean {
  try {
    new RegExp(`^(?:${text})$`);
    return true;
  } catch {
    return false;
  }
}

/** Sequential tests keep state across evaluations and are anytime-valid. */
export function isSequential(check: MetricCheck): boolean {
  return check.test.startsWith("sequential-");
}

/** Tests that spend a share of the gate's error budget (their confidence matters). */
export function usesErrorBudget(check: GateCheck): boolean {
  if (check.type !== "metric") return false;
  if (check.kind === "series") return check.test === "sequential-mean" || (check.test === "mann-whitney" && check.mode === "standard");
  return true;
}

/** Every query template of a check, for finding the labels it needs. */
export function templatesOf(check: GateCheck): string[] {
  if (check.type === "condition") return [];
  if (check.type === "monitor") return [check.selector ?? "", check.query ?? ""];
  if (check.type === "http") return [check.path];
  if (check.kind === "counts") return [check.errors, check.total, check.baselineErrors ?? "", check.baselineTotal ?? ""];
  return [check.query, check.baselineQuery ?? ""];
}

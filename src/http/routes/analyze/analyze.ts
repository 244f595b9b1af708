import { createRoute, z } from "@hono/zod-openapi";
import type { AppRouter } from "../../../app.js";
import { judgeCheck } from "../../../analysis/judge-check.js";
import { advanceSequential } from "../../../analysis/judge-sequential.js";
import { summarize } from "../../../analysis/stats/summary.js";
import { InvalidInput } from "../../../analysis/errors.js";
import { MetricCheck } from "../../../analysis/gate.js";
import { problemResponses } from "../../problem.js";

const Sample = z.array(z.number()).min(1, "needs at least one number").max(100_000, "at most 100000 numbers");

const AnalyzeBody = z
  .strictObject({
    test: z.enum(["mann-whitney", "sequential-mean", "relative", "threshold"]).default("mann-whitney"),
    mode: z.enum(["standard", "kayenta"]).default("standard").openapi({ description: "kayenta: Kayenta's own classifier (mann-whitney only)" }),
    kayenta: z.record(z.string(), z.unknown()).optional().openapi({ description: "Kayenta classifier settings, as in a gate check" }),
    baseline: Sample,
    canary: Sample,
    direction: z.enum(["increase", "decrease", "either"]).default("increase"),
    tolerance: z.number().min(0).max(100).default(0.05),
    confidence: z.number().gt(0.5).lt(1).default(0.95),
    aggregate: z.enum(["mean", "median", "p90", "p95", "p99", "max", "min"]).default("mean"),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .openapi("AnalyzeRequest");

const Summary = z.object({ n: z.number(), mean: z.number(), median: z.number(), p95: z.number() });

const AnalyzeResponse = z
  .object({
    result: z.enum(["pass", "fail", "inconclusive"]),
    summary: z.string(),
    pValue: z.number().nullable(),
    // An end the data cannot bound (too few points for the confidence asked) is infinite: null in JSON.
    interval: z.object({ estimate: z.number(), lower: z.number().nullable(), upper: z.number().nullable() }).nullable(),
    relativeChange: z.number().nullable(),
    eValue: z.number().nullable(),
    baseline: Summary.nullable(),
    canary: Summary.nullable(),
  })
  .openapi("AnalyzeResult");

const route = createRoute({
  method: "post",
  path: "/v1/analyze",
  operationId: "analyze",
  tags: ["analysis"],
  summary: "Judge two samples with a test, without a gate: try a check before relying on it (sequential-mean takes the canary in the order given)",
  request: { body: { required: true, content: { "application/json": { schema: AnalyzeBody } } } },
  responses: { 200: { description: "The judgement", content: { "application/json": { schema: AnalyzeResponse } } }, ...problemResponses(400, 413) },
});

export function registerAnalyze(app: AppRouter) {
  app.openapi(route, (c) => {
    const body = c.req.valid("json");
    // The same check schema a gate uses, so ad-hoc answers equal what a gate would conclude.
    const { baseline, canary, ...settings } = body;
    const check = MetricCheck.safeParse({ name: "adhoc", source: "adhoc", type: "metric", kind: "series", query: "adhoc", ...settings });
    if (!check.success) {
      throw new InvalidInput(check.error.issues.map((issue) => ({ path: ["body", ...issue.path.map(String)].join("."), message: issue.message })));
    }
    if (check.data.test === "sequential-mean") {
      // The canary is taken as arriving in the order given, one look per point.
      const { judgement } = advanceSequential(check.data, 1 - check.data.confidence, null, { kind: "series", baseline, canary }, 0);
      const { interval } = judgement;
      return c.json({ ...judgement, relativeChange: interval.estimate, baseline: summarize(baseline), canary: summarize(canary) }, 200);
    }
    const judgement = judgeCheck(check.data, { kind: "series", baseline, canary });
    return c.json(
      {
        result: judgement.result,
        summary: judgement.summary,
        pValue: judgement.pValue,
        eValue: null,
        interval: judgement.interval,
        relativeChange: judgement.relativeChange,
        baseline: judgement.baseline,
        canary: judgement.canary,
      },
      200,
    );
  });
}

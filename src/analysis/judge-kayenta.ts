import type { MetricCheck } from "./check-schema.js";
import { classifyKayenta } from "./kayenta/classify-metric.js";
import { summarize } from "./stats/summary.js";
import type { Judgement } from "./types.js";

type SeriesCheck = Extract<MetricCheck, { kind: "series" }>;

/**
 * `mann-whitney` in `mode: kayenta`: Kayenta's own classifier (tolerance 0.25, confidence 0.98, effect-size
 * thresholds, outlier and NaN handling) for parity with Spinnaker canary configs. High or Low (in the bad
 * direction) fails; Kayenta decides criticality itself, from the critical effect-size thresholds.
 */
export function judgeKayenta(check: SeriesCheck, baseline: number[], canary: number[]): Judgement {
  const options = check.kayenta;
  const result = classifyKayenta(baseline, canary, {
    name: check.name,
    tolerance: options.tolerance,
    confLevel: options.confidence,
    direction: check.direction,
    nanStrategy: options.nanStrategy,
    outliers: options.outliers,
    effectSize: definedOnly(options.effectSize),
    isCritical: check.critical,
    mustHaveData: options.mustHaveData,
  });
  const failed = result.classification === "High" || result.classification === "Low" || result.classification === "NodataFailMetric";
  const outcome = failed ? "fail" : result.classification === "Pass" ? "pass" : "inconclusive";
  const ratio = Number.isFinite(result.deviation) ? `mean ratio ${result.deviation.toFixed(3)}` : "mean ratio undefined";
  const reason = result.reason || (result.classification === "Pass" ? `${check.name} was classified as Pass` : `${check.name} was classified as ${result.classification}`);
  return {
    result: outcome,
    summary: `Kayenta: ${reason} (${ratio}).`,
    pValue: null,
    interval: result.interval,
    relativeChange: Number.isFinite(result.deviation) ? result.deviation - 1 : null,
    baseline: baseline.length ? summarize(baseline) : null,
    canary: canary.length ? summarize(canary) : null,
    critical: check.critical && failed ? result.critical : undefined,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

import type { MetricCheck } from "./gate.js";
import { judgeMannWhitney } from "./judge-mann-whitney.js";
import { judgeRateRatio } from "./judge-rate-ratio.js";
import { judgeRelative } from "./judge-relative.js";
import { judgeThreshold } from "./judge-threshold.js";
import type { CountTotals, Judgement } from "./types.js";

/** What a metric check's queries returned, reduced to what its test needs. */
export type CheckData =
  | { kind: "series"; baseline: number[]; canary: number[] }
  | { kind: "counts"; baseline: CountTotals; canary: CountTotals };

/** Picks the check's test and judges its data. The caller has already turned empty data into `nodata`. */
export function judgeCheck(check: MetricCheck, data: CheckData): Judgement {
  const { direction, tolerance, confidence } = check;
  if (check.kind === "counts") {
    if (data.kind !== "counts") throw new TypeError(`check ${check.name} expects counts data`);
    return judgeRateRatio({ baseline: data.baseline, canary: data.canary, direction, tolerance, confidence, metric: `${check.name} error rate` });
  }
  if (data.kind !== "series") throw new TypeError(`check ${check.name} expects series data`);
  switch (check.test) {
    case "mann-whitney":
      return judgeMannWhitney({ baseline: data.baseline, canary: data.canary, direction, tolerance, confidence, metric: check.name });
    case "relative":
      return judgeRelative({ baseline: data.baseline, canary: data.canary, direction, tolerance, aggregate: check.aggregate, metric: check.name });
    case "threshold":
      return judgeThreshold({ canary: data.canary, aggregate: check.aggregate, min: check.min, max: check.max, metric: check.name });
  }
}

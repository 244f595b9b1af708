import type { MetricCheck } from "./check-schema.js";
import { judgeKayenta } from "./judge-kayenta.js";
import { judgeMannWhitney } from "./judge-mann-whitney.js";
import { judgeRateRatio } from "./judge-rate-ratio.js";
import { judgeRelative } from "./judge-relative.js";
import { judgeThreshold } from "./judge-threshold.js";
import type { CountTotals, Judgement } from "./types.js";

/** What a fixed-horizon check's queries returned over both whole windows. */
export type CheckData =
  | { kind: "series"; baseline: number[]; canary: number[] }
  | { kind: "counts"; baseline: CountTotals; canary: CountTotals };

/**
 * Judges a fixed-horizon check on both whole windows. `alpha` is the check's share of the gate's
 * false-alarm budget, so its interval is at confidence 1 − alpha. The caller has already turned
 * empty data into `nodata`; sequential tests go through judge-sequential.ts.
 */
export function judgeCheck(check: MetricCheck, data: CheckData, alpha = 1 - check.confidence): Judgement {
  const { direction, tolerance } = check;
  const confidence = 1 - alpha;
  if (check.kind === "counts" && data.kind === "counts" && check.test === "rate-ratio") {
    return judgeRateRatio({ baseline: data.baseline, canary: data.canary, direction, tolerance, confidence, metric: `${check.name} error rate` });
  }
  if (check.kind === "series" && data.kind === "series") {
    const { baseline, canary } = data;
    switch (check.test) {
      case "mann-whitney":
        if (check.mode === "kayenta") return judgeKayenta(check, baseline, canary);
        return judgeMannWhitney({ baseline, canary, direction, tolerance, confidence, metric: check.name });
      case "relative":
        return judgeRelative({ baseline, canary, direction, tolerance, aggregate: check.aggregate, metric: check.name });
      case "threshold":
        return judgeThreshold({ canary, aggregate: check.aggregate, min: check.min, max: check.max, metric: check.name });
      case "sequential-mean":
        break;
    }
  }
  throw new TypeError(`check ${check.name} (${check.kind}, ${check.test}) is not a fixed-horizon check for ${data.kind} data`);
}

import type { CheckResult } from "./check-result.js";
import { scoreKayenta, type KayentaScoredMetric } from "./kayenta/score-kayenta.js";

export interface GateScore {
  score: number;
  classification: "pass" | "marginal" | "fail";
}

/**
 * Gate score 0-100 with Kayenta's weighted-sum scorer: each check is a group weighted by its share of
 * the gate's weights; a failing critical check, or half the checks without data, scores 0; otherwise the
 * weighted share of passing checks. A check still inconclusive counts as not passing yet. A check whose
 * source failed is left out and its weight shared by the others (Kayenta would count its empty group as
 * 100). Null when no scored check carries weight.
 */
export function scoreResults(results: CheckResult[], thresholds: { pass: number; marginal: number } = { pass: 95, marginal: 75 }): GateScore | null {
  const scored = results.filter((result) => result.weight > 0 && classification(result) !== "Error");
  const total = scored.reduce((sum, result) => sum + result.weight, 0);
  if (total <= 0) return null;
  const metrics: KayentaScoredMetric[] = scored.map((result) => ({
    classification: classification(result),
    critical: result.critical && result.result === "fail",
    groups: [result.name],
  }));
  const groupWeights = Object.fromEntries(scored.map((result) => [result.name, (100 * result.weight) / total]));
  const kayenta = scoreKayenta(metrics, { groupWeights, thresholds });
  return { score: kayenta.score, classification: kayenta.classification.toLowerCase() as GateScore["classification"] };
}

function classification(result: CheckResult): KayentaScoredMetric["classification"] {
  const raw = result.details.rawResult ?? result.result;
  if (raw === "error") return "Error";
  if (raw === "nodata") return result.result === "fail" ? "NodataFailMetric" : result.result === "pass" ? "Pass" : "Nodata";
  return result.result === "pass" ? "Pass" : "High";
}

/** A marginal score is said in the verdict's reason, so a person sees it is neither clearly good nor bad. */
export function describeScore(reason: string, score: GateScore | null, thresholds: { pass: number; marginal: number }): string {
  if (score?.classification !== "marginal") return reason;
  return `${reason} Score ${score.score} is marginal (pass at ${thresholds.pass}, marginal at ${thresholds.marginal}).`;
}

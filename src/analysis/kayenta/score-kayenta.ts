import type { KayentaClassification } from "./classify-metric.js";
import { precisionRound } from "./precision-round.js";

/** One metric's result as the scorer reads it. */
export interface KayentaScoredMetric {
  classification: KayentaClassification;
  critical: boolean;
  muted?: boolean;
  groups: readonly string[];
  reason?: string;
}

export interface KayentaScoreOptions {
  /** Weight of each group, nominally summing to 100; unlisted groups share what is left. */
  groupWeights: Readonly<Record<string, number>>;
  /** The execution request's thresholds (Kayenta requires both). */
  thresholds: { pass: number; marginal: number };
}

export interface KayentaGroupScore {
  name: string;
  score: number;
  /** No Pass, High, Low or NodataFailMetric in the group: reported as 0, counted as 100. */
  noData: boolean;
}

export interface KayentaScore {
  score: number;
  classification: "Pass" | "Marginal" | "Fail";
  reason: string | null;
  groupScores: KayentaGroupScore[];
}

/**
 * Kayenta's WeightedSumScorer and ThresholdScoreClassifier (kayenta-judge, research/kayenta.md §2): muted
 * results are left out; a critical non-Pass result or ≥ 50 % Nodata scores 0; otherwise each group scores
 * 100·Pass / (Pass + High + Low + NodataFailMetric) and the summary is the weighted sum, rounded half-up
 * to 2 decimals; score ≥ pass is Pass, ≥ marginal is Marginal, else Fail.
 */
export function scoreKayenta(results: readonly KayentaScoredMetric[], options: KayentaScoreOptions): KayentaScore {
  const scored = results.filter((r) => !r.muted);
  const groupScores = scoreGroups(scored);
  const criticalFailure = scored.find((r) => r.critical && r.classification !== "Pass");
  const nodata = scored.filter((r) => r.classification === "Nodata").length;
  let summary: number;
  let reason: string | null = null;
  if (criticalFailure) {
    summary = 0;
    reason = `Canary Failed: ${criticalFailure.reason ?? ""}`;
  } else if (scored.length > 0 && (nodata / scored.length) * 100 >= 50) {
    summary = 0;
    reason = "Canary Failed: 50% or more metrics returned NODATA";
  } else {
    summary = precisionRound(weightedSum(groupScores, options.groupWeights), 2);
  }
  const { pass, marginal } = options.thresholds;
  const classification = summary >= pass ? "Pass" : summary >= marginal ? "Marginal" : "Fail";
  return { score: summary, classification, reason, groupScores };
}

function scoreGroups(results: readonly KayentaScoredMetric[]): KayentaGroupScore[] {
  const counts = new Map<string, { pass: number; total: number }>();
  for (const result of results) {
    for (const group of result.groups) {
      const count = counts.get(group) ?? { pass: 0, total: 0 };
      if (result.classification === "Pass") count.pass++;
      if (result.classification !== "Nodata" && result.classification !== "Error") count.total++;
      counts.set(group, count);
    }
  }
  return [...counts].map(([name, { pass, total }]) =>
    total === 0 ? { name, score: 0, noData: true } : { name, score: (pass / total) * 100, noData: false });
}

function weightedSum(groups: readonly KayentaGroupScore[], weights: Readonly<Record<string, number>>): number {
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(weights, name);
  const explicit = Object.values(weights).reduce((sum, w) => sum + w, 0);
  const unweighted = groups.filter((g) => !has(g.name)).length;
  const shared = unweighted > 0 ? (100 - explicit) / unweighted : 0;
  let summary = 0;
  for (const group of groups) {
    const weight = has(group.name) ? (weights[group.name] as number) : shared;
    summary += (group.noData ? 100 : group.score) * (weight / 100);
  }
  return summary;
}

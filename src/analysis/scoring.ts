import type { CheckResult } from "./check-result.js";

/**
 * Gate score 0-100 in the manner of Kayenta's weighted-sum scorer: the weighted share of checks that
 * pass; a failing critical check scores 0. Null when no check carries weight.
 */
export function scoreResults(results: CheckResult[]): number | null {
  if (results.some((result) => result.critical && result.result === "fail")) return 0;
  const total = results.reduce((sum, result) => sum + result.weight, 0);
  if (total <= 0) return null;
  const passing = results.filter((result) => result.result === "pass").reduce((sum, result) => sum + result.weight, 0);
  return Math.round((10_000 * passing) / total) / 100;
}

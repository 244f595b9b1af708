import type { CheckDetails } from "../analysis/check-result.js";

/** Details with every number unset, for checks that are not metric comparisons (or have not run). */
export function emptyDetails(type: CheckDetails["type"], source: string, test: string | null): CheckDetails {
  return {
    type,
    kind: null,
    source,
    test,
    direction: null,
    tolerance: null,
    confidence: null,
    alpha: null,
    pValue: null,
    eValue: null,
    interval: null,
    intervalKind: null,
    relativeChange: null,
    baseline: null,
    canary: null,
    counts: null,
    queries: [],
    error: null,
    rawResult: null,
  };
}

/**
 * A statistic was asked of a sample too small to define it (an empty sample, zero exposure).
 * Judges check sizes first and answer "inconclusive"; this error marks a caller's mistake.
 */
export class InsufficientData extends Error {
  override readonly name = "InsufficientData";
}

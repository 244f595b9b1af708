/**
 * commons-math Precision.round(x, places): BigDecimal(Double.toString(x)).setScale(places, HALF_UP), i.e.
 * half away from zero on the shortest decimal that reads back as x (so 1.005 → 1.01, unlike toFixed).
 */
export function precisionRound(x: number, places: number): number {
  if (!Number.isFinite(x)) return x;
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  // Digits of |x| to keep: those before the decimal point plus `places` after it.
  const keep = 1 + Number(exponent) + places;
  if (keep < 0) return 0 * Math.sign(x);
  const kept = keep <= digits.length ? digits.slice(0, keep) : digits.padEnd(keep, "0");
  const roundsUp = keep < digits.length && (digits[keep] as string) >= "5";
  const scaled = BigInt(kept === "" ? "0" : kept) + (roundsUp ? 1n : 0n);
  const magnitude = Number(`${scaled}e-${places}`);
  return x < 0 ? -magnitude : magnitude;
}

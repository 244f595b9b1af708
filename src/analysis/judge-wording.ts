import type { Judgement } from "./types.js";

// Shared phrasing so every judge's one-sentence summary reads alike.

/** "12.3%", always one decimal, so the numbers of one sentence line up. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A setting as written: 0.05 → "5%", 0.975 → "97.5%". */
export function formatSetting(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}

/** "+12.3%" / "−4.0%", for the ends of an interval. */
export function formatSignedPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return fraction > 0 ? "+∞" : "−∞";
  return `${fraction > 0 ? "+" : fraction < 0 ? "−" : ""}${formatPercent(Math.abs(fraction))}`;
}

/** Three significant digits, without exponent noise for everyday magnitudes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "undefined" : value > 0 ? "∞" : "−∞";
  if (value === 0) return "0";
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e15 ? String(Number(value.toPrecision(3))) : value.toPrecision(3);
}

/** "+3.5" / "−2", for absolute shifts. */
export function formatSigned(value: number): string {
  return value > 0 ? `+${formatNumber(value)}` : value < 0 ? `−${formatNumber(-value)}` : "0";
}

/** "12.3% higher than" / "4% lower than" / "the same as". */
export function describeRelative(change: number): string {
  if (change === 0) return "the same as";
  return `${formatPercent(Math.abs(change))} ${change > 0 ? "higher" : "lower"} than`;
}


/** The judgement when a side has no usable point: the numbers stay empty, the summary says why. */
export function tooFewPoints(sides: { baseline?: number; canary: number }, unit = "values"): Judgement {
  const missing = [sides.baseline !== undefined && sides.baseline < 1 ? "baseline" : "", sides.canary < 1 ? "canary" : ""];
  return {
    result: "inconclusive",
    summary: `No ${unit} on the ${missing.filter(Boolean).join(" or ")} side yet, so there is nothing to judge.`,
    pValue: null,
    interval: null,
    relativeChange: null,
    baseline: null,
    canary: null,
  };
}

/** The direction words after "tolerance": a one-sided check only tolerates in one direction. */
export function onSide(direction: "increase" | "decrease" | "either"): string {
  return direction === "increase" ? " for increases" : direction === "decrease" ? " for decreases" : "";
}

import type { CheckDetails } from "../../analysis/check-result.js";
import type { CheckOutcome, Direction } from "../../analysis/types.js";

/** Failing checks first: what needs a person's attention, then what could not be judged, then the rest. */
export const RESULT_ORDER: readonly CheckOutcome[] = ["fail", "error", "nodata", "inconclusive", "pass"];

const significant = new Intl.NumberFormat("en", { maximumSignificantDigits: 4 });
const grouped = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });

/** A number for people: 4 significant digits, exponents only for the very large or small. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  const size = Math.abs(value);
  if (size !== 0 && (size >= 1e7 || size < 1e-4)) return value.toExponential(2).replaceAll("-", "−");
  return (size >= 1000 ? grouped : significant).format(value).replace("-", "−");
}

function signed(value: number, text: string): string {
  return value > 0 ? `+${text}` : text;
}

// JSON cannot hold an infinite bound, so a one-sided interval comes back with null.
const UNBOUNDED = "unbounded";

/** 0.122 → "+12.2%". */
export function formatPercentChange(value: number | null | undefined): string {
  if (value === null || value === undefined) return UNBOUNDED;
  return signed(value, `${formatNumber(value * 100)}%`);
}

/** 0.0123 → "1.23%". */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${formatNumber(value * 100)}%`;
}

/** An effect and its interval in the unit the test measured it in. */
export function formatEffect(details: Pick<CheckDetails, "interval" | "intervalKind">): { label: string; estimate: string; interval: string } | null {
  const { interval, intervalKind } = details;
  if (!interval) return null;
  const [label, one]: [string, (value: number | null | undefined) => string] =
    intervalKind === "relative"
      ? ["Relative change, canary vs baseline", formatPercentChange]
      : intervalKind === "ratio"
        ? ["Rate ratio, canary ÷ baseline", (value) => (value === null || value === undefined ? UNBOUNDED : `×${formatNumber(value)}`)]
        : ["Shift, canary − baseline", (value) => (value === null || value === undefined ? UNBOUNDED : signed(value, formatNumber(value)))];
  return { label, estimate: one(interval.estimate), interval: `${one(interval.lower)} to ${one(interval.upper)}` };
}

export function formatPValue(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return value < 1e-4 ? "< 0.0001" : formatNumber(value);
}

export function formatTolerance(details: Pick<CheckDetails, "tolerance" | "test">): string {
  if (details.tolerance === null || details.tolerance === undefined) return "—";
  if (details.test === "sequential-distribution") return `${formatNumber(details.tolerance * 100)} percentage points of requests moved to slower buckets`;
  return `${formatNumber(details.tolerance * 100)}% change allowed`;
}

export function formatDirection(direction: Direction | null | undefined): string {
  if (direction === "increase") return "an increase is a regression";
  if (direction === "decrease") return "a decrease is a regression";
  if (direction === "either") return "a change either way is a regression";
  return "—";
}

/** "2025-06-01 12:34:56 UTC": one unambiguous form for every reader. */
export function formatTime(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "5 min ago", "in 30 s". */
export function formatRelative(value: Date, now: Date): string {
  const seconds = Math.round((value.getTime() - now.getTime()) / 1000);
  const size = Math.abs(seconds);
  const text = size < 90 ? `${size} s` : size < 5400 ? `${Math.round(size / 60)} min` : size < 172_800 ? `${Math.round(size / 3600)} h` : `${Math.round(size / 86_400)} days`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

/** Only http(s) links are rendered as links: a `javascript:` URL from a source must not become clickable. */
export function safeHref(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * Grafana Explore with the query over the window (Explore URL schema version 1: `panes` is JSON of
 * pane id → { queries, range } with the range in epoch milliseconds). No datasource is named, so
 * Explore opens the query on the default one.
 */
export function grafanaExploreUrl(grafanaUrl: string, run: { query: string; start: string; end: string }): string {
  const panes = { cg: { queries: [{ refId: "A", expr: run.query }], range: { from: String(Date.parse(run.start)), to: String(Date.parse(run.end)) } } };
  return `${grafanaUrl}/explore?schemaVersion=1&panes=${encodeURIComponent(JSON.stringify(panes))}&orgId=1`;
}

/** The rollout dashboard (dashboards/, uid canary-gate-rollout) scoped to one rollout. */
export function grafanaDashboardUrl(grafanaUrl: string, rolloutId: string): string {
  return `${grafanaUrl}/d/canary-gate-rollout/canary-gate-rollout?var-rollout=${encodeURIComponent(rolloutId)}`;
}

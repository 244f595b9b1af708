import { formatDuration } from "../analysis/duration.js";
import type { Verdict } from "./client.js";

/** Checks that hold the rollout back: failed, errored or without data, in the server's order. */
export function failingChecks(verdict: Verdict): Verdict["checks"] {
  return verdict.checks.filter((check) => check.result === "fail" || check.result === "error" || check.result === "nodata");
}

/** "1m05s" with whole seconds, "0s" at the start. */
export function elapsed(ms: number): string {
  return formatDuration(Math.floor(ms / 1000) * 1000);
}

/** One progress line: elapsed time, verdict, score, failing checks and the reason. */
export function progressLine(verdict: Verdict, elapsedMs: number): string {
  const score = verdict.score === null ? "" : ` (score ${Math.round(verdict.score)})`;
  const failing = failingChecks(verdict);
  const checks = failing.length ? ` | failing: ${failing.map((check) => check.name).join(", ")}` : "";
  return `[${elapsed(elapsedMs)}] ${verdict.verdict}${score}: ${verdict.reason}${checks}`;
}

/** What a person reads once the verdict is in (or the wait is over): verdict, reason, failing checks, link. */
export function summary(verdict: Verdict, heading: string): string {
  const lines = [`${heading}: ${verdict.reason}`];
  const failing = failingChecks(verdict);
  if (failing.length && verdict.verdict !== "continue") {
    lines.push("failing checks:", ...failing.map((check) => `  - ${check.name}${check.critical ? " (critical)" : ""}: ${check.result}: ${check.summary}`));
  }
  lines.push(`investigate: ${verdict.investigationUrl}`);
  return `${lines.join("\n")}\n`;
}

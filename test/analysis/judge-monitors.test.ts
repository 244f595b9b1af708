import { describe, expect, it } from "vitest";
import { judgeMonitors, type MonitorJudgeOptions } from "../../src/analysis/judge-monitors.js";
import type { MonitorState } from "../../src/analysis/monitor-types.js";

const startedAt = new Date("2026-06-01T12:00:00Z");
const at = (minutes: number) => new Date(startedAt.getTime() + minutes * 60_000).toISOString();
const options: MonitorJudgeOptions = {
  startedAt,
  now: new Date(at(30)),
  ignorePreexisting: true,
  onNoData: "fail",
  failOnWarn: false,
  requireMatch: true,
  maxMonitors: 50,
  selection: 'alertname=~"High.*"',
};

function monitor(name: string, periods: MonitorState["periods"], extra: Partial<MonitorState> = {}): MonitorState {
  const last = periods.at(-1);
  return {
    id: name,
    name,
    status: last && last.end === null ? (last.status === "nodata" ? "nodata" : "alert") : "ok",
    muted: false,
    since: last?.start ?? null,
    labels: { alertname: name },
    periods,
    link: `http://alerts.test/${name}`,
    ...extra,
  };
}

describe("judgeMonitors", () => {
  it("passes when no selected monitor alerts, and says how many were watched", () => {
    expect(judgeMonitors({ matched: 3, monitors: [] }, options)).toMatchObject({ result: "pass", summary: 'No monitor of 3 matching alertname=~"High.*" is alerting.' });
  });

  it("fails on a monitor that started alerting after the rollout started, with its link", () => {
    const judgement = judgeMonitors({ matched: 2, monitors: [monitor("HighLatency", [{ status: "alert", start: at(5), end: null }])] }, options);
    expect(judgement.result).toBe("fail");
    expect(judgement.summary).toBe(`1 monitor alerting since the rollout started: HighLatency (alert since ${at(5)}).`);
    expect(judgement.findings).toEqual([expect.objectContaining({ verdict: "alerting", link: "http://alerts.test/HighLatency" })]);
  });

  it("counts an alert that fired during the window and resolved since", () => {
    const judgement = judgeMonitors({ matched: 1, monitors: [monitor("HighErrors", [{ status: "alert", start: at(3), end: at(8) }])] }, options);
    expect(judgement.result).toBe("fail");
    expect(judgement.findings[0]?.reason).toBe(`alert since ${at(3)}, resolved ${at(8)}`);
  });

  it("ignores an alert already firing before the rollout, unless told not to, and says why", () => {
    const preexisting = monitor("HighDisk", [{ status: "alert", start: at(-20), end: null }]);
    const ignored = judgeMonitors({ matched: 1, monitors: [preexisting] }, options);
    expect(ignored.result).toBe("pass");
    expect(ignored.findings[0]).toMatchObject({ verdict: "preexisting" });
    expect(ignored.summary).toContain(`Left out: HighDisk (alerting since ${at(-20)}, before the rollout started at ${startedAt.toISOString()})`);
    expect(judgeMonitors({ matched: 1, monitors: [preexisting] }, { ...options, ignorePreexisting: false }).result).toBe("fail");
    const refired = monitor("HighDisk", [{ status: "alert", start: at(-20), end: at(2) }, { status: "alert", start: at(10), end: null }]);
    expect(judgeMonitors({ matched: 1, monitors: [refired] }, options).result).toBe("fail");
    const resolvedBefore = monitor("Old", [{ status: "alert", start: at(-30), end: at(-10) }]);
    expect(judgeMonitors({ matched: 1, monitors: [resolvedBefore] }, { ...options, ignorePreexisting: false })).toMatchObject({ result: "pass", findings: [] });
  });

  it("leaves muted monitors out", () => {
    const judgement = judgeMonitors({ matched: 1, monitors: [monitor("HighLatency", [{ status: "alert", start: at(5), end: null }], { muted: true })] }, options);
    expect(judgement).toMatchObject({ result: "pass", findings: [{ verdict: "muted" }] });
  });

  it("treats NO DATA as alerting only with onNoData fail", () => {
    const silent = monitor("Heartbeat", [{ status: "nodata", start: at(4), end: null }]);
    expect(judgeMonitors({ matched: 1, monitors: [silent] }, options).result).toBe("fail");
    expect(judgeMonitors({ matched: 1, monitors: [silent] }, { ...options, onNoData: "inconclusive" }).result).toBe("inconclusive");
    expect(judgeMonitors({ matched: 1, monitors: [silent] }, { ...options, onNoData: "pass" }).result).toBe("pass");
  });

  it("fails on Warn only when asked to", () => {
    const warn = monitor("CpuWarn", [], { status: "warn", since: at(6) });
    expect(judgeMonitors({ matched: 1, monitors: [warn] }, options).result).toBe("pass");
    expect(judgeMonitors({ matched: 1, monitors: [warn] }, { ...options, failOnWarn: true }).result).toBe("fail");
  });

  it("errors when nothing matches, or too much does", () => {
    expect(judgeMonitors({ matched: 0, monitors: [] }, options)).toMatchObject({ result: "error", summary: expect.stringContaining('No monitor matches alertname=~"High.*"') });
    expect(judgeMonitors({ matched: 0, monitors: [] }, { ...options, requireMatch: false }).result).toBe("pass");
    expect(judgeMonitors({ matched: null, monitors: [] }, options).result).toBe("pass");
    expect(judgeMonitors({ matched: 51, monitors: [] }, options)).toMatchObject({ result: "error", summary: expect.stringContaining("more than the limit of 50") });
  });
});

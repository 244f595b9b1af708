import { describe, expect, it } from "vitest";
import type { QueryRun } from "../../src/analysis/check-result.js";
import { createFetcher } from "../../src/evaluation/fetch-check-data.js";
import type { SharedFetches } from "../../src/evaluation/shared-fetches.js";
import { createMeters } from "../../src/telemetry/meters.js";
import { StaticSource } from "../helpers/static-source.js";

const window = { start: new Date("2026-01-01T10:00:00Z"), end: new Date("2026-01-01T10:04:00Z"), stepSeconds: 60 };
const later = { ...window, start: new Date("2026-01-01T10:02:00Z") };

describe("one evaluation's fetches", () => {
  it("asks the source once for a query two checks share, and records it for both", async () => {
    const source = new StaticSource().set("errors", [1, 2, 3]).set("total", [10, 20, 30]);
    const shared: SharedFetches = new Map();
    const signal = new AbortController().signal;
    const runsA: QueryRun[] = [];
    const runsB: QueryRun[] = [];
    const a = createFetcher(source, signal, runsA, (query) => query, createMeters(), shared);
    const b = createFetcher(source, signal, runsB, (query) => query, createMeters(), shared);
    const [first, second] = await Promise.all([a.series("canaryErrors", "errors", window), b.series("canaryErrors", "errors", window)]);
    expect(second).toBe(first);
    await b.series("canaryTotal", "total", window);
    await b.series("canaryErrors", "errors", later);
    expect(source.queries).toEqual(["errors", "total", "errors"]);
    expect(runsA.map((run) => [run.role, run.query, run.points])).toEqual([["canaryErrors", "errors", 3]]);
    expect(runsB.map((run) => [run.role, run.query, run.points])).toEqual([
      ["canaryErrors", "errors", 3],
      ["canaryTotal", "total", 3],
      ["canaryErrors", "errors", 3],
    ]);
  });

  it("asks again in another evaluation", async () => {
    const source = new StaticSource().set("errors", [1]);
    const signal = new AbortController().signal;
    for (const shared of [new Map(), new Map()]) await createFetcher(source, signal, [], (query) => query, createMeters(), shared).series("canary", "errors", window);
    expect(source.queries).toEqual(["errors", "errors"]);
  });
});

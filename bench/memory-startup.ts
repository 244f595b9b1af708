import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPrometheus } from "../test/helpers/prometheus.js";
import { benchSeries, createRollouts } from "./fixtures.js";
import { buildDist, fmt, freshDatabase, median, printTable, rssMb, sleep, startService, writeResult } from "./lib.js";

/**
 * `npx tsx bench/memory-startup.ts`: start-up time (spawn to the first /readyz 200) on PostgreSQL and
 * on a first-run PGlite (fresh DATA_DIR), for the built service (`node dist/main.js`, as `npm start`
 * runs it, without the OpenTelemetry preload) and under tsx; resident memory idle and with 1,000
 * active rollouts being evaluated against a real Prometheus (interval 60 s).
 * Targets: RSS with 1,000 active rollouts < 200 MB; ready on PostgreSQL < 1.5 s.
 */
const quick = process.argv.includes("--quick");
const STARTS = quick ? 1 : 5;
const ROLLOUTS = quick ? 100 : 1000;
const ACTIVE_S = quick ? 10 : 70;

const build = buildDist();
const database = await freshDatabase("cg_bench_mem");
const endSec = Math.floor(Date.now() / 1000 / 15) * 15;
const prometheus = await startPrometheus({ series: benchSeries(10, endSec) });
const rows: Array<{ measure: string; runtime: string; value: number; unit: string; target?: string; met?: boolean }> = [];
try {
  for (const runtime of ["dist", "tsx"] as const) {
    const dist = runtime === "dist" ? build.dist : undefined;
    const opts = dist ? { dist } : {};
    const pg: number[] = [];
    for (let i = 0; i < STARTS; i += 1) {
      const service = await startService({ DATABASE_URL: database.url, SCHEDULER_ENABLED: "false" }, opts);
      pg.push(service.readyMs);
      await service.stop();
    }
    const readyPg = median(pg);
    rows.push({ measure: "start to ready, PostgreSQL (median)", runtime, value: readyPg, unit: "ms", target: "< 1500", met: readyPg < 1500 });
    const lite: number[] = [];
    for (let i = 0; i < STARTS; i += 1) {
      const dataDir = mkdtempSync(join(tmpdir(), "canary-gate-bench-pglite-"));
      const service = await startService({ DATA_DIR: join(dataDir, "data"), SCHEDULER_ENABLED: "false" }, opts);
      lite.push(service.readyMs);
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    rows.push({ measure: "start to ready, first-run PGlite (fresh DATA_DIR, migrations; median)", runtime, value: median(lite), unit: "ms" });
  }

  for (const runtime of ["dist", "tsx"] as const) {
    const opts = runtime === "dist" ? { dist: build.dist } : {};
    const service = await startService({ DATABASE_URL: database.url, PROMETHEUS_URL: prometheus.url, SCHEDULER_TICK: "1s", RATE_LIMIT_PER_MINUTE: "1000000" }, opts);
    try {
      await sleep(2000);
      rows.push({ measure: "RSS idle (2 s after ready, no rollouts of its own)", runtime, value: rssMb(service.pid), unit: "MB" });
      await createRollouts(service.url, { count: ROLLOUTS, services: 10, startedAt: new Date(endSec * 1000 - 20 * 60_000), gate: `bench-${runtime}` });
      let peak = 0;
      const samples: number[] = [];
      for (let s = 0; s < ACTIVE_S; s += 1) {
        await sleep(1000);
        const rss = rssMb(service.pid);
        samples.push(rss);
        peak = Math.max(peak, rss);
      }
      rows.push({ measure: `RSS with ${ROLLOUTS} active rollouts being evaluated: median over ${ACTIVE_S} s`, runtime, value: median(samples), unit: "MB", target: "< 200", met: median(samples) < 200 });
      rows.push({ measure: `RSS with ${ROLLOUTS} active rollouts: peak`, runtime, value: peak, unit: "MB", target: "< 200", met: peak < 200 });
    } finally {
      await service.stop();
    }
  }
} finally {
  await prometheus.stop();
  await database.drop();
  build.remove();
}
printTable(
  `Memory and start-up (${STARTS} start(s) each; dist = node dist/main.js as built by tsc, tsx = node --import tsx src/main.ts)`,
  ["measure", "runtime", "value", "target", "met"],
  rows.map((row) => [row.measure, row.runtime, `${fmt(row.value, 0)} ${row.unit}`, row.target ? `${row.target} ${row.unit}` : "–", row.met === undefined ? "–" : row.met ? "yes" : "NO"]),
);
writeResult("memory-startup", { starts: STARTS, rollouts: ROLLOUTS, activeS: ACTIVE_S, rows });

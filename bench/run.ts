import { spawnSync } from "node:child_process";

/** `npm run bench`: every benchmark in turn; `-- --quick` for the short mode CI uses. */
const benches = ["stats.ts", "detection.ts", "verdict-endpoint.ts", "evaluation-throughput.ts", "memory-startup.ts", "growth.ts"];
const extra = process.argv.slice(2);
let failed = false;
for (const bench of benches) {
  const result = spawnSync(process.execPath, ["--import", "tsx", new URL(bench, import.meta.url).pathname, ...extra], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

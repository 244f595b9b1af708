import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, launchDaemon } from "./daemon.js";

/** One series to backfill. Counters are named with their `_total` suffix, as they are queried. */
export interface OpenMetricsSeries {
  name: string;
  type: "gauge" | "counter";
  labels: Record<string, string>;
  /** [unix seconds, value] in increasing time order. */
  samples: Array<[number, number]>;
}

export interface PrometheusInstance {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export function gaugeSeries(
  name: string,
  labels: Record<string, string>,
  startSec: number,
  stepSec: number,
  values: number[],
): OpenMetricsSeries {
  return { name, type: "gauge", labels, samples: values.map((v, i) => [startSec + i * stepSec, v]) };
}

export function counterSeries(
  name: string,
  labels: Record<string, string>,
  startSec: number,
  stepSec: number,
  values: number[],
): OpenMetricsSeries {
  const samples = values.map((v, i): [number, number] => [startSec + i * stepSec, v]);
  return { name: name.endsWith("_total") ? name : `${name}_total`, type: "counter", labels, samples };
}

/** OpenMetrics text: each family's samples together, one TYPE line per family, then `# EOF`. */
function toOpenMetrics(series: OpenMetricsSeries[]): string {
  const families = new Map<string, OpenMetricsSeries[]>();
  for (const s of series) {
    const family = s.type === "counter" ? s.name.replace(/_total$/, "") : s.name;
    const key = `${family} ${s.type}`;
    families.set(key, [...(families.get(key) ?? []), s]);
  }
  const lines: string[] = [];
  for (const [key, members] of families) {
    lines.push(`# TYPE ${key}`);
    for (const s of members) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
        .join(",");
      for (const [t, v] of s.samples) lines.push(`${s.name}${labels ? `{${labels}}` : ""} ${formatValue(v)} ${t}`);
    }
  }
  lines.push("# EOF");
  return `${lines.join("\n")}\n`;
}


/**
 * Backfill `series` into a fresh TSDB with promtool, then serve it with a real Prometheus on a free
 * loopback port. On 2.42, blocks created before start-up are queryable up to "now" with no extra
 * flag: the head is empty, and overlapping blocks are allowed by default since 2.39.
 */
export async function startPrometheus(options: {
  series: OpenMetricsSeries[];
  rules?: string;
  /** A fixed port (the demo uses 9090); default: a free loopback port. */
  port?: number;
}): Promise<PrometheusInstance> {
  requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), "canary-gate-prom-"));
  const dataDir = join(dir, "data");
  try {
    writeFileSync(join(dir, "series.om"), toOpenMetrics(options.series));
    if (options.series.some((s) => s.samples.length > 0)) {
      const created = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", join(dir, "series.om"), dataDir], {
        encoding: "utf8",
      });
      if (created.status !== 0) throw new Error(`promtool backfill failed: ${created.stderr || created.stdout}`);
    }
    let config = "global:\n  evaluation_interval: 1s\n";
    if (options.rules !== undefined) {
      writeFileSync(join(dir, "rules.yml"), options.rules);
      config += `rule_files:\n  - ${JSON.stringify(join(dir, "rules.yml"))}\n`;
    }
    writeFileSync(join(dir, "prometheus.yml"), config);
    if (options.port !== undefined) return await launch(dir, dataDir, options.port);
    // Another process may take the port between our probe and Prometheus binding it: try again.
    for (let attempt = 0; ; attempt++) {
      const port = await freePort();
      try {
        return await launch(dir, dataDir, port);
      } catch (err) {
        if (attempt >= 2 || !String(err).includes("address already in use")) throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function launch(dir: string, dataDir: string, port: number): Promise<PrometheusInstance> {
  const args = [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--storage.tsdb.retention.time=30d",
    "--log.level=warn",
  ];
  return { ...(await launchDaemon({ name: "prometheus", binary: "prometheus", args, dir, port })), dataDir };
}

function requireBinaries(): void {
  for (const bin of ["prometheus", "promtool"]) {
    const found = spawnSync(bin, ["--version"], { stdio: "ignore" });
    if (found.error || found.status !== 0) {
      throw new Error(`\`${bin}\` is not installed: run .ci/run, or \`apt-get install prometheus\` (Debian package).`);
    }
  }
}



function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

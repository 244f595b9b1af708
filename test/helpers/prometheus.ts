import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

const live = new Set<{ child: ChildProcess; dir: string }>();
let exitHookInstalled = false;

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
  const child = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=30d",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const entry = { child, dir };
  live.add(entry);
  installExitHook();
  // If the test worker dies without running hooks, this orphan reaper still ends Prometheus.
  const reaper = spawn(
    "sh",
    ["-c", 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; kill -9 "$2" 2>/dev/null; rm -rf "$3"', "reaper", String(process.pid), String(child.pid), dir],
    { stdio: "ignore", detached: true },
  );
  reaper.unref();

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    reaper.kill("SIGKILL");
    live.delete(entry);
    rmSync(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      reaper.kill("SIGKILL");
      live.delete(entry);
      throw new Error(`prometheus exited before it was ready: ${stderr}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 30 s: ${stderr}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, dataDir, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function requireBinaries(): void {
  for (const bin of ["prometheus", "promtool"]) {
    const found = spawnSync(bin, ["--version"], { stdio: "ignore" });
    if (found.error || found.status !== 0) {
      throw new Error(`\`${bin}\` is not installed: run .ci/run, or \`apt-get install prometheus\` (Debian package).`);
    }
  }
}

/** Bind port 0 on loopback, read the port the kernel chose, and release it for Prometheus. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Synchronous last resort when a worker exits with instances its tests never stopped. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const { child, dir } of live) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface AlertmanagerInstance {
  url: string;
  stop(): Promise<void>;
}

/** An alert as `POST /api/v2/alerts` takes it (postableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** One receiver that notifies nobody: the tests read alerts through the API only. */
export const MINIMAL_CONFIG = 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n';

const BINARY = "prometheus-alertmanager";
const live = new Set<{ child: ChildProcess; dir: string }>();
let exitHookInstalled = false;

/** Start a real Alertmanager (clustering off) on a free loopback port, with `config` as its YAML. */
export async function startAlertmanager(options: { config?: string } = {}): Promise<AlertmanagerInstance> {
  const found = spawnSync(BINARY, ["--version"], { stdio: "ignore" });
  if (found.error || found.status !== 0) {
    throw new Error(`\`${BINARY}\` is not installed: run .ci/run, or \`apt-get install prometheus-alertmanager\` (Debian package).`);
  }
  const dir = mkdtempSync(join(tmpdir(), "canary-gate-am-"));
  try {
    writeFileSync(join(dir, "alertmanager.yml"), options.config ?? MINIMAL_CONFIG);
    // Another process may take the port between our probe and Alertmanager binding it: try again.
    for (let attempt = 0; ; attempt++) {
      try {
        return await launch(dir, await freePort());
      } catch (err) {
        if (attempt >= 2 || !String(err).includes("address already in use")) throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** POST alerts; without `endsAt`, Alertmanager keeps them firing for its resolve timeout (5 m). */
export async function postAlerts(am: AlertmanagerInstance, alerts: PostableAlert[]): Promise<void> {
  const response = await fetch(`${am.url}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts),
  });
  if (!response.ok) throw new Error(`POST /api/v2/alerts: HTTP ${response.status} ${await response.text()}`);
}

/** Create a silence of equality matchers for the next hour; returns its id. */
export async function createSilence(am: AlertmanagerInstance, labels: Record<string, string>): Promise<string> {
  const now = Date.now();
  const response = await fetch(`${am.url}/api/v2/silences`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      matchers: Object.entries(labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
      startsAt: new Date(now - 1000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      createdBy: "canary-gate tests",
      comment: "test silence",
    }),
  });
  if (!response.ok) throw new Error(`POST /api/v2/silences: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { silenceID: string }).silenceID;
}

async function launch(dir: string, port: number): Promise<AlertmanagerInstance> {
  const child = spawn(
    BINARY,
    [
      `--config.file=${join(dir, "alertmanager.yml")}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
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
  // If the test worker dies without running hooks, this orphan reaper still ends Alertmanager.
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
      throw new Error(`alertmanager exited before it was ready: ${stderr}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`alertmanager was not ready within 30 s: ${stderr}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Bind port 0 on loopback, read the port the kernel chose, and release it. */
export function freePort(): Promise<number> {
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

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, launchDaemon } from "./daemon.js";

export { freePort };

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
  const args = [
    `--config.file=${join(dir, "alertmanager.yml")}`,
    `--storage.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
    "--log.level=warn",
  ];
  return launchDaemon({ name: "alertmanager", binary: BINARY, args, dir, port });
}



import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";

/** A server process a test started (Prometheus, Alertmanager), and how to end it. */
export interface Daemon {
  url: string;
  stop(): Promise<void>;
}

const live = new Set<{ child: ChildProcess; dir: string }>();
let exitHookInstalled = false;

/**
 * Starts `binary` listening on 127.0.0.1:`port`, waits for its `/-/ready`, and makes sure it ends with
 * the test: `stop()`, an exit hook, and a detached reaper for a worker killed without running hooks.
 * `dir` (its temp folder) is removed when it stops.
 */
export async function launchDaemon(options: { name: string; binary: string; args: string[]; dir: string; port: number }): Promise<Daemon> {
  const { name, dir } = options;
  const child = spawn(options.binary, options.args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const entry = { child, dir };
  live.add(entry);
  installExitHook();
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

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      reaper.kill("SIGKILL");
      live.delete(entry);
      throw new Error(`${name} exited before it was ready: ${stderr}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} was not ready within 30 s: ${stderr}`);
    }
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Binds port 0 on loopback, reads the port the kernel chose, and releases it. */
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

/** Synchronous last resort when a worker exits with daemons its tests never stopped. */
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

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { ADMIN_TOKEN } from "./support.js";

/** Helpers for the fault tests: the real service as a child process, and a source we control. */

const root = new URL("../..", import.meta.url).pathname;
export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

const MARKERS = ["backing off", "evaluation failed", "unhandled error"] as const;
export type Marker = (typeof MARKERS)[number];

export interface Service {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  /** How often a marker ("backing off", "evaluation failed", …) appeared in the output so far. */
  seen(marker: Marker): number;
  /** RSS of the process in bytes, from /proc. */
  rss(): Promise<number>;
}

/** Starts `node --import tsx src/main.ts` with the admin token set, and waits until /readyz answers 200. */
export async function startService(env: Record<string, string>, options: { script?: string; waitReady?: boolean } = {}): Promise<Service> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", options.script ?? "src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", OTEL_SDK_DISABLED: "true", CANARY_GATE_ADMIN_TOKEN: ADMIN_TOKEN, PORT: port, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const seen = new Map<Marker, number>();
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    for (const marker of MARKERS) seen.set(marker, (seen.get(marker) ?? 0) + text.split(marker).length - 1);
    output = (output + text).slice(-20_000);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const service: Service = {
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => output,
    seen: (marker) => seen.get(marker) ?? 0,
    async rss() {
      const { readFile } = await import("node:fs/promises");
      const status = await readFile(`/proc/${child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
  };
  if (options.waitReady === false) return service;
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor("the service to become ready", async () => {
    if (gone) throw new Error(`the service exited: ${output}`);
    return (await fetch(`${service.url}/readyz`)).ok;
  }, 60_000).catch((error: unknown) => {
    if (!gone) child.kill("SIGKILL");
    throw new Error(`${String(error)}\n${output}`);
  });
  return service;
}

export async function runScript(script: string, env: Record<string, string>): Promise<void> {
  const service = await startService(env, { script, waitReady: false });
  const code = await service.exited;
  if (code !== 0) throw new Error(`${script} exited ${code}: ${service.output()}`);
}

/** A JSON call with the bootstrap admin token; returns status, headers and parsed body. */
export async function api(base: string, method: string, path: string, body?: unknown, timeoutMs = 30_000) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export function writeGates(dir: string, gates: Record<string, string>): string {
  const gatesDir = join(dir, "gates");
  mkdirSync(gatesDir, { recursive: true });
  for (const [name, yaml] of Object.entries(gates)) writeFileSync(join(gatesDir, `${name}.yaml`), yaml);
  return gatesDir;
}

/** A latency gate over `lat{v="…"}` with the given timing lines; mann-whitney reads the source on every evaluation. */
export function latencyGate(timing: Record<string, string | number>, test = "sequential-mean"): string {
  return [
    ...Object.entries(timing).map(([key, value]) => `${key}: ${value}`),
    "checks:",
    "  - name: latency",
    "    source: prometheus",
    "    query: 'lat{v=\"{{version}}\"}'",
    "    baselineQuery: 'lat{v=\"{{baselineVersion}}\"}'",
    `    test: ${test}`,
    "",
  ].join("\n");
}

export type SourceMode = "healthy" | "slow" | "5xx" | "429" | "garbage" | "huge";

/**
 * A Prometheus stand-in on loopback: answers query_range with a steady matrix, or misbehaves as
 * told. `delayMs` slows healthy answers too (to hold leases). Counts the queries it received.
 */
export async function startFakePrometheus(): Promise<{ url: string; port: number; mode: SourceMode; delayMs: number; requests: number; inFlight: number; close(): Promise<void>; server: Server }> {
  const state = { mode: "healthy" as SourceMode, delayMs: 0, requests: 0, inFlight: 0 };
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    state.requests += 1;
    state.inFlight += 1;
    res.on("close", () => (state.inFlight -= 1));
    void answer(req, res);
  });
  async function answer(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://x");
    if (state.delayMs) await sleep(state.delayMs);
    switch (state.mode) {
      case "slow":
        await sleep(60_000);
        return res.destroyed ? undefined : res.end();
      case "5xx":
        res.writeHead(503, { "content-type": "text/plain" });
        return res.end("upstream overloaded");
      case "429":
        res.writeHead(429, { "content-type": "application/json", "retry-after": "30" });
        return res.end('{"status":"error","errorType":"too_many_requests","error":"slow down"}');
      case "garbage":
        res.writeHead(200, { "content-type": "application/json" });
        return res.end('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"x"]');
      case "huge": {
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        res.write('{"status":"success","data":{"resultType":"matrix","result":[], "pad":"');
        for (let i = 0; i < 50 && !res.destroyed; i += 1) {
          if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
        }
        return res.destroyed ? undefined : res.end('"}}');
      }
      default: {
        const start = Number(url.searchParams.get("start"));
        const end = Number(url.searchParams.get("end"));
        const step = Math.max(1, Number.parseFloat(url.searchParams.get("step") ?? "60"));
        const values: Array<[number, string]> = [];
        for (let t = Math.ceil(start / step) * step, i = 0; t <= end && i < 11_000; t += step, i += 1) values.push([t, String(100 + ((i * 37) % 11) / 10)]);
        res.writeHead(200, { "content-type": "application/json" });
        return res.end(JSON.stringify({ status: "success", data: { resultType: "matrix", result: values.length ? [{ metric: {}, values }] : [] } }));
      }
    }
  }
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}

/** A fresh database on the shared PostgreSQL server, dropped by `drop()`. */
export async function createDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Percentile of a sorted-or-not list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Appends one line of figures to the console, prefixed so CI logs can be grepped. */
export function report(test: string, figures: Record<string, unknown>): void {
  console.log(`[reliability] ${test}: ${Object.entries(figures).map(([key, value]) => `${key}=${typeof value === "number" ? Math.round(value * 100) / 100 : String(value)}`).join(" ")}`);
}

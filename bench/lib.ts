import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { HEAP_LIMIT_FLAG } from "../src/cli/commands/service.js";
import { migrateDatabase, openDatabase } from "../src/db/client.js";

/** Shared helpers of the service benchmarks: databases, the service as a child process, tables, results. */
export const quick = process.argv.includes("--quick");
export const root = fileURLToPath(new URL("..", import.meta.url));
export const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** The bootstrap admin token; sent as a bearer token on every call (harmless where auth is not enforced). */
export const adminToken = process.env.CANARY_GATE_ADMIN_TOKEN ?? "bench-admin-token-0123456789abcdef0123456789";
export const authHeaders = { authorization: `Bearer ${adminToken}` };

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A fresh, migrated PostgreSQL database for one benchmark; `drop()` removes it. */
export async function freshDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = withDatabase(adminUrl, name);
  const handle = await openDatabase({ url, dataDir: "", poolMax: 1 });
  await migrateDatabase(handle);
  await handle.close();
  return {
    url,
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Service {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Milliseconds from spawn to the first /readyz 200. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Starts Canary Gate as a child process (`node --import tsx src/main.ts`, or `<dist>/main.js` of a
 * build from `buildDist()`) and waits for /readyz, polling every 10 ms.
 */
export async function startService(env: Record<string, string>, options: { dist?: string; timeoutMs?: number; withTelemetry?: boolean } = {}): Promise<Service> {
  const port = await freePort();
  // As `npm start` runs it: its heap limit, and with `withTelemetry` the OpenTelemetry SDK loaded first.
  const args = options.dist
    ? [HEAP_LIMIT_FLAG, ...(options.withTelemetry ? ["--import", join(options.dist, "instrumentation.js")] : []), join(options.dist, "main.js")]
    : [HEAP_LIMIT_FLAG, "--import", "tsx", ...(options.withTelemetry ? ["--import", "./src/instrumentation.ts"] : []), "src/main.ts"];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", CANARY_GATE_ADMIN_TOKEN: adminToken, HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = started + (options.timeoutMs ?? 60_000);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  for (;;) {
    if (exited) throw new Error(`service exited before ready: ${stderr}`);
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`service not ready in time: ${stderr}`);
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  const readyMs = performance.now() - started;
  return {
    url,
    pid: child.pid ?? 0,
    child,
    readyMs,
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await Promise.race([gone, sleep(10_000).then(() => child.kill("SIGKILL"))]);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One JSON call to the service with the bearer token; throws on a non-2xx answer. */
export async function api<T = unknown>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...authHeaders, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (;;) {
        const index = next++;
        if (index >= items.length) return;
        results[index] = await work(items[index] as T, index);
      }
    }),
  );
  return results;
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size of a process in MB, from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Prints a Markdown table. */
export function printTable(title: string, headers: string[], rows: Array<Array<string | number>>): void {
  process.stdout.write(`\n${title}\n\n| ${headers.join(" | ")} |\n|${headers.map(() => "---").join("|")}|\n`);
  for (const row of rows) process.stdout.write(`| ${row.join(" | ")} |\n`);
}

export function writeResult(name: string, data: Record<string, unknown>): void {
  writeFileSync(new URL(`./results/${name}.json`, import.meta.url), `${JSON.stringify({ date: new Date().toISOString(), quick, ...data }, null, 2)}\n`);
}

export const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "–");

/**
 * Compiles src/ with tsc into a temporary tree laid out like the package (dist/, and links to
 * drizzle/ and node_modules/), so the built service runs as `npm start` runs it without touching
 * the repository's dist/. Returns the dist folder and a cleanup.
 */
export function buildDist(): { dist: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "canary-gate-bench-build-"));
  const dist = join(dir, "dist");
  const built = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json"), "--outDir", dist, "--sourceMap", "false"], { encoding: "utf8" });
  if (built.status !== 0 && !readDirSafe(dist)) throw new Error(`tsc failed: ${built.stdout}${built.stderr}`);
  symlinkSync(join(root, "drizzle"), join(dir, "drizzle"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  copyFileSync(join(root, "package.json"), join(dir, "package.json"));
  return { dist, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function readDirSafe(path: string): boolean {
  try {
    readFileSync(join(path, "main.js"));
    return true;
  } catch {
    return false;
  }
}

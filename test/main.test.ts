import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "cg-main-"));
  dirs.push(dir);
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const ADMIN_TOKEN = "cg_main-test-admin-token-0123456789abcdef";

/** Runs a script of the service the way `npm start` does (instrumentation first), but from source. */
function run(script: string, env: Record<string, string>) {
  const args = ["--import", "tsx", "--import", "./src/instrumentation.ts", script];
  const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", OTEL_SDK_DISABLED: "true", CANARY_GATE_ADMIN_TOKEN: ADMIN_TOKEN, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  child.stdout.on("data", (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stderr, stdout }) };
}

async function waitReady(url: string, exited: Promise<unknown>) {
  const deadline = Date.now() + 30_000;
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline && !done) {
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the service did not become ready");
}

const gateYaml = ["delay: 1m", "checks:", "  - name: p99", "    source: prometheus", "    query: 'p99{service=\"{{service}}\"}'", ""].join("\n");

describe("the service process", () => {
  it("starts on embedded PGlite with gates from GATES_DIR, serves, and stops cleanly on SIGTERM", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "gates"));
    writeFileSync(join(dir, "gates", "web.yaml"), gateYaml);
    const port = await freePort();
    // With the SDK on and the console exporters, the request spans show up on stdout.
    const otel = { OTEL_SDK_DISABLED: "false", OTEL_TRACES_EXPORTER: "console", OTEL_METRICS_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" };
    const service = run("src/main.ts", { PORT: String(port), DATA_DIR: join(dir, "data"), GATES_DIR: join(dir, "gates"), PROMETHEUS_URL: "http://127.0.0.1:9", ...otel });
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, service.exited);
    const gates = (await (await fetch(`${url}/v1/gates`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { gates: unknown[] };
    expect(gates.gates).toEqual([expect.objectContaining({ name: "web", version: 1, origin: `file:${join(dir, "gates", "web.yaml")}` })]);
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string };
    expect(openapi.openapi).toBe("3.1.0");
    service.child.kill("SIGTERM");
    expect(await service.exited).toBe(0);
    expect(service.output().stdout).toMatch(/name: 'GET \/v1\/gates'/);
    expect(service.output().stdout).toMatch(/'service.name': 'canary-gate'/);
  }, 60_000);

  it("refuses to start without an admin token unless AUTH=off, and never prints the token", async () => {
    const refused = run("src/main.ts", { PORT: String(await freePort()), DATA_DIR: join(tempDir(), "data"), CANARY_GATE_ADMIN_TOKEN: "" });
    expect(await refused.exited).toBe(1);
    expect(refused.output().stderr).toMatch(/CANARY_GATE_ADMIN_TOKEN/);
    const short = run("src/main.ts", { PORT: String(await freePort()), DATA_DIR: join(tempDir(), "data"), CANARY_GATE_ADMIN_TOKEN: "too-short-PLANTED" });
    expect(await short.exited).toBe(1);
    expect(short.output().stderr).toMatch(/CANARY_GATE_ADMIN_TOKEN: must be at least 32 characters/);
    expect(short.output().stderr).not.toContain("too-short-PLANTED");
    const port = await freePort();
    const open = run("src/main.ts", { PORT: String(port), DATA_DIR: join(tempDir(), "data"), CANARY_GATE_ADMIN_TOKEN: "", AUTH: "off" });
    await waitReady(`http://127.0.0.1:${port}`, open.exited);
    expect((await fetch(`http://127.0.0.1:${port}/v1/gates`)).status).toBe(200);
    open.child.kill("SIGTERM");
    expect(await open.exited).toBe(0);
  }, 60_000);

  it("refuses to start on bad configuration, naming the variable", async () => {
    const service = run("src/main.ts", { PORT: "eighty", DATA_DIR: join(tempDir(), "data") });
    expect(await service.exited).toBe(1);
    expect(service.output().stderr).toContain("PORT:");
  });

  it("refuses to start on a bad gate file, naming the file, line and field", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bad.yaml"), gateYaml.replace("source: prometheus", "source: graphite"));
    const service = run("src/main.ts", { DATA_DIR: join(dir, "data"), GATES_DIR: dir, PROMETHEUS_URL: "http://127.0.0.1:9" });
    expect(await service.exited).toBe(1);
    const { stderr } = service.output();
    expect(stderr).toContain(join(dir, "bad.yaml"));
    expect(stderr).toContain('line 4: checks.0.source: unknown source "graphite"');
  });

  it("refuses an unmigrated PostgreSQL, then migrates and starts on it", async () => {
    const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    const name = `cg_main_${process.pid}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      const unmigrated = run("src/main.ts", { PORT: String(await freePort()), DATABASE_URL: url.toString() });
      expect(await unmigrated.exited).toBe(1);
      expect(unmigrated.output().stderr).toContain("run `npm run migrate`");
      const migrate = run("src/migrate.ts", { DATABASE_URL: url.toString() });
      expect(await migrate.exited).toBe(0);
      expect(migrate.output().stdout).toContain("migrations applied to PostgreSQL");
      const port = await freePort();
      const service = run("src/main.ts", { PORT: String(port), DATABASE_URL: url.toString() });
      await waitReady(`http://127.0.0.1:${port}`, service.exited);
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 60_000);
});

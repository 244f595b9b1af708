import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIntegrationApp, type IntegrationApp } from "../http/integrations/fixture.js";

// The canary-gate CLI as a pipeline runs it: the built binary (dist/cli/main.js, as `npx canary-gate`
// runs it after `npm run build`) in a child process, against the real app served on a loopback port.

const root = new URL("../../", import.meta.url).pathname;
const dirs: string[] = [];
let app: IntegrationApp;
let server: ServerType;
let url: string;
const authorizations: Array<string | null> = [];
/** How many of the next requests the server answers 503, as during a restart. */
let unavailable = 0;

interface Run {
  code: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stderr contains `text`. */
  waitFor: (text: string) => Promise<void>;
}

function start(args: string[], env: Record<string, string> = {}, entry: string[] = ["dist/cli/main.js"], executable = process.execPath): Run {
  const child = spawn(executable, [...entry, ...args], { cwd: root, env: { PATH: process.env.PATH ?? "", CANARY_GATE_URL: url, CANARY_GATE_TOKEN: app.t.adminToken, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) waiter.resolve();
  });
  const code = new Promise<number | null>((resolve) => child.on("exit", (exitCode) => resolve(exitCode)));
  return {
    code,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (text) => (stderr.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))),
  };
}

async function run(args: string[], env: Record<string, string> = {}, entry?: string[], executable?: string) {
  const child = start(args, env, entry, executable);
  const code = await child.code;
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-cli-"));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  const built = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], { cwd: root, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}${built.stderr}`);
  app = await createIntegrationApp();
  await app.putGate("web");
  server = serve({
    fetch: (request) => {
      authorizations.push(request.headers.get("authorization"));
      if (unavailable > 0 && unavailable--) return new Response("restarting", { status: 503 });
      return app.t.app.fetch(request);
    },
    port: 0,
    hostname: "127.0.0.1",
  });
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await app?.t.close();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

const identity = (environment: string, version: string) => ["--gate", "web", "--service", "shop", "--env", environment, "--version", version, "--baseline-version", "base"];

/** Lets the rollout's delay pass and evaluates it, as the scheduler would, once the CLI has polled it pending. */
async function settleOnceSeen(child: Run) {
  await child.waitFor("pending");
  const id = /waiting for rollout ([0-9a-f-]{36})/.exec(child.stderr())?.[1] ?? "";
  app.advance(5 * 60_000);
  await app.evaluate(id);
}

describe("canary-gate wait", () => {
  it("exits 0 on continue, with plain progress lines on a non-TTY and the link at the end", async () => {
    const child = start(["wait", ...identity("cli-good", "good"), "--interval", "100ms", "--timeout", "30s"], { CANARY_GATE_TOKEN: app.t.adminToken });
    await settleOnceSeen(child);
    expect(await child.code).toBe(0);
    const lines = child.stderr().trim().split("\n");
    expect(lines[0]).toMatch(/^waiting for rollout [0-9a-f-]{36} \(timeout 30s, polling every 100ms\)$/);
    expect(lines[1]).toMatch(/^\[\d+s\] pending: Waiting for the 1m stabilisation delay/);
    expect(lines.at(-1)).toMatch(/^\[\d+s\] continue \(score 100\): All 1 checks pass \(latency\)\.$/);
    expect(child.stderr()).not.toContain("\r");
    expect(lines.length).toBeLessThan(6); // a line when something changes, not one per poll
    expect(child.stdout()).toMatch(/^continue: All 1 checks pass \(latency\)\.\ninvestigate: http:\/\/canary-gate\.test\/rollouts\/[0-9a-f-]{36}\n$/);
    expect(authorizations.at(-1)).toBe(`Bearer ${app.t.adminToken}`);
  });

  it("exits 1 on halt, naming the failing checks and the investigation page", async () => {
    const child = start(["wait", ...identity("cli-bad", "bad"), "--interval", "100ms"]);
    await settleOnceSeen(child);
    expect(await child.code).toBe(1);
    expect(child.stderr()).toMatch(/\] halt \(score 0\): Critical check latency: .* \| failing: latency\n$/);
    expect(child.stdout()).toMatch(/^halt: Critical check latency: .*\nfailing checks:\n {2}- latency \(critical\): fail: .*\ninvestigate: http:\/\/canary-gate\.test\/rollouts\/[0-9a-f-]{36}\n$/);
  });

  it("polls on through a few failed polls, and gives up with exit 2 after five in a row", async () => {
    const child = start(["wait", ...identity("cli-restart", "good"), "--interval", "100ms"]);
    await child.waitFor("pending");
    unavailable = 2;
    await child.waitFor("attempt 2 of 5");
    await settleOnceSeen(child);
    expect(await child.code).toBe(0);
    expect(child.stderr()).toMatch(/\] warning: GET \/v1\/rollouts\/[0-9a-f-]{36}\/verdict: HTTP 503: restarting \(attempt 1 of 5; trying again\)\n/);

    const doomed = start(["wait", ...identity("cli-down", "good"), "--interval", "100ms"]);
    await doomed.waitFor("pending");
    unavailable = 5;
    expect(await doomed.code).toBe(2);
    expect(doomed.stderr()).toMatch(/attempt 4 of 5; trying again\)\ncanary-gate: GET \/v1\/rollouts\/[0-9a-f-]{36}\/verdict: HTTP 503: restarting\n$/);
  });

  // `script` (util-linux) gives the CLI a pseudo-terminal.
  it.skipIf(spawnSync("script", ["--version"]).status !== 0)("draws one live line on a terminal", async () => {
    const command = [process.execPath, "dist/cli/main.js", "wait", ...identity("cli-tty", "good"), "--timeout", "2s", "--interval", "500ms"].map((arg) => `'${arg}'`).join(" ");
    const tty = await run(["-qec", command, "/dev/null"], { COLUMNS: "100" }, [], "script");
    expect(tty.code).toBe(2);
    expect(tty.stdout).toMatch(/\r\x1b\[2K\[\d+s\] pending: Waiting for the 1m stabilisation delay/);
    expect(tty.stdout).toContain("timed out after 2s; the verdict is still pending");
  });

  it("exits 2 when the verdict is still pending at --timeout", async () => {
    const result = await run(["wait", ...identity("cli-slow", "good"), "--interval", "200ms", "--timeout", "1s"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^timed out after 1s; the verdict is still pending: Waiting for the 1m stabilisation delay/);
    expect(result.stdout).toContain("investigate: http://canary-gate.test/rollouts/");
  });

  it("exits 2 with one clear line, no stack, when the server cannot be used", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = await run(["wait", "--rollout", "00000000-0000-4000-8000-000000000000", "--url", `http://127.0.0.1:${closed}`]);
    expect(unreachable).toMatchObject({ code: 2, stderr: `canary-gate: cannot reach Canary Gate at http://127.0.0.1:${closed}: ECONNREFUSED\n` });
    const unknownGate = await run(["wait", ...identity("x", "good").map((arg) => (arg === "web" ? "nope" : arg))]);
    expect(unknownGate).toMatchObject({ code: 2, stderr: 'canary-gate: POST /v1/gates/nope/verdict: HTTP 404 Gate not found: gate "nope" does not exist\n' });
    const unknownRollout = await run(["wait", "--rollout", "00000000-0000-4000-8000-000000000000"]);
    expect(unknownRollout.stderr).toBe("canary-gate: GET /v1/rollouts/00000000-0000-4000-8000-000000000000/verdict: HTTP 404 Rollout not found: rollout 00000000-0000-4000-8000-000000000000 does not exist\n");
  });

  it("exits 2 on usage errors, naming the problem", async () => {
    expect(await run(["wait", "--gate", "web", "--version", "v1"])).toMatchObject({ code: 2, stderr: "canary-gate: missing --service, --env (or give --rollout ID)\n" });
    expect(await run(["wait", "--rollout", "x", "--gate", "web"])).toMatchObject({ code: 2 });
    const badDuration = await run(["wait", "--rollout", "x", "--timeout", "soon"]);
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain('"soon" is not a duration such as 30s, 10m or 1h');
    expect((await run(["launch"])).code).toBe(2);
    expect((await run(["wait", "--url", "ftp://x"])).stderr).toContain('"ftp://x" is not an http(s) URL');
  });
});

describe("canary-gate start and verdict", () => {
  it("starts a rollout, prints its id and links, and reads its verdict by id", async () => {
    const started = await run(["start", ...identity("cli-start", "good"), "--label", "team=payments"]);
    expect(started.code).toBe(0);
    const id = /^started rollout ([0-9a-f-]{36}) of shop@good in cli-start \(gate web v1\), pending$/m.exec(started.stdout)?.[1];
    expect(id).toBeDefined();
    expect(started.stdout).toContain(`verdict:       http://canary-gate.test/v1/rollouts/${id}/verdict`);
    expect(started.stdout).toContain(`investigation: http://canary-gate.test/rollouts/${id}`);
    expect((await app.t.request("GET", `/v1/rollouts/${id}`)).body.labels).toEqual({ team: "payments" });

    const again = await run(["start", ...identity("cli-start", "good"), "-q"]);
    expect(again.stdout).toBe(`${id}\n`);

    const pending = await run(["verdict", "--rollout", id ?? "", "--json"]);
    expect(pending.code).toBe(3);
    expect(JSON.parse(pending.stdout)).toMatchObject({ id, verdict: "pending", final: false });
    app.advance(5 * 60_000);
    await app.evaluate(id ?? "");
    const decided = await run(["verdict", ...identity("cli-start", "good")]);
    expect(decided).toMatchObject({ code: 0, stdout: expect.stringMatching(/^continue \(final\): All 1 checks pass/) });
  });
});

describe("canary-gate gates validate", () => {
  it("accepts the repository's gates and the examples' gates", async () => {
    const result = await run(["gates", "validate", "gates", "examples/flagger/gates/flagger-podinfo.yaml"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ok       gates/web-latency-errors.yaml\n");
    expect(result.stdout).toMatch(/\n3 valid, 0 invalid\n$/);
  });

  it("points at the bad line and field of each bad file and exits 1", async () => {
    const dir = tempDir();
    const good = readFileSync(join(root, "gates/web-latency-errors.yaml"), "utf8");
    writeFileSync(join(dir, "typo.yaml"), good.replace("direction: increase", "direction: upwards"));
    writeFileSync(join(dir, "broken.yaml"), "delay: 1m\nchecks: [\n");
    writeFileSync(join(dir, "Bad_Name.yaml"), good);
    const line = good.split("\n").findIndex((text) => text.includes("direction: increase")) + 1;
    const result = await run(["gates", "validate", join(dir, "typo.yaml"), join(dir, "broken.yaml"), join(dir, "Bad_Name.yaml"), join(dir, "missing.yaml")], {}, ["--import", "tsx", "src/cli/main.ts"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`invalid  ${dir}/typo.yaml\n  ${dir}/typo.yaml:${line}: checks.0.direction: `);
    expect(result.stdout).toMatch(new RegExp(`  ${dir}/broken.yaml(:\\d+)?: \\(gate\\): Flow sequence`));
    expect(result.stdout).toContain(`  ${dir}/Bad_Name.yaml: the file name "Bad_Name" is not a gate name`);
    expect(result.stdout).toContain(`  ${dir}/missing.yaml: no such file\n`);
    expect(result.stdout).toMatch(/\n0 valid, 4 invalid\n$/);
  });
});

describe("the examples' CLI invocations", () => {
  it("use only options `canary-gate wait` has", async () => {
    const help = (await run(["wait", "--help"])).stdout;
    for (const file of ["examples/github-actions/canary-gate.yml", "examples/gitlab/.gitlab-ci.yml"]) {
      const text = readFileSync(join(root, file), "utf8");
      const from = text.lastIndexOf("canary-gate wait");
      const invocation = text.slice(from, text.indexOf("--interval", from) + 20);
      const flags = invocation.match(/--[a-z-]+/g) ?? [];
      expect(flags.length, file).toBeGreaterThan(5);
      for (const flag of flags) expect(help, `${file}: ${flag}`).toContain(`${flag} `);
    }
  });
});

describe("canary-gate migrate and serve", () => {
  it("migrates PGlite, then serves the API until SIGTERM", async () => {
    const dataDir = join(tempDir(), "data");
    const env = { DATA_DIR: dataDir, OTEL_SDK_DISABLED: "true", LOG_LEVEL: "warn" };
    const migrated = await run(["migrate"], env);
    expect(migrated).toMatchObject({ code: 0, stdout: `migrations applied to PGlite in ${dataDir}\n` });

    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const service = spawn(process.execPath, ["dist/cli/main.js", "serve"], { cwd: root, env: { PATH: process.env.PATH ?? "", CANARY_GATE_ADMIN_TOKEN: app.t.adminToken, ...env, PORT: String(port) }, stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => service.on("exit", (code) => resolve(code)));
    let ready = false;
    for (let i = 0; i < 200 && !ready; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ready).toBe(true);
    service.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 60_000);
});

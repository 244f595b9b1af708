import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSeries } from "../examples/demo/demo-data.js";
import { startPrometheus, type PrometheusInstance } from "./helpers/prometheus.js";

const root = new URL("..", import.meta.url).pathname;
let prometheus: PrometheusInstance;
let service: ReturnType<typeof spawn>;
let port = 0;
const dir = mkdtempSync(join(tmpdir(), "cg-walkthrough-"));
// The README has the reader start the service with CANARY_GATE_ADMIN_TOKEN and export the same as CANARY_GATE_TOKEN.
const TOKEN = "cg_walkthrough-admin-token-0123456789abcdef";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });
}

/** The README's walkthrough commands, exactly as written, pointed at this test's port. */
function walkthroughScript(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("<!-- walkthrough:start -->"), readme.indexOf("<!-- walkthrough:end -->"));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  return blocks
    .map((block, index) => `echo "::block ${index}"\n${block}`)
    .join("\n")
    .replaceAll("127.0.0.1:8080", `127.0.0.1:${port}`);
}

beforeAll(async () => {
  prometheus = await startPrometheus({ series: demoSeries(Math.floor(Date.now() / 1000 / 15) * 15 - 15) });
  port = await freePort();
  service = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", PORT: String(port), DATA_DIR: join(dir, "data"), GATES_DIR: "./gates", PROMETHEUS_URL: prometheus.url, LOG_LEVEL: "warn", CANARY_GATE_ADMIN_TOKEN: TOKEN },
    stdio: "ignore",
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the service did not start");
}, 60_000);

afterAll(async () => {
  service?.kill("SIGTERM");
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the README walkthrough", () => {
  it("works as written against the demo Prometheus", () => {
    const result = spawnSync("bash", ["-euo", "pipefail", "-c", walkthroughScript()], { cwd: root, encoding: "utf8", timeout: 60_000, env: { ...process.env, CANARY_GATE_TOKEN: TOKEN } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const outputs = result.stdout.split(/::block \d+\n/).slice(1);
    const [gate, verdict, slow, detail, adhoc] = outputs.map((text) => text.trim());
    const [gateJson, rolloutLine] = (gate ?? "").split("rollout ");
    expect(JSON.parse(gateJson ?? "")).toMatchObject({ name: "web-latency-errors", version: 1 });
    expect(rolloutLine).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(verdict ?? "")).toMatchObject({ verdict: "continue", final: true, score: 100 });
    const halted = JSON.parse(slow ?? "");
    expect(halted).toMatchObject({ verdict: "halt", final: true });
    expect(halted.reason).toMatch(/^Critical check p99-latency: /);
    const rollout = JSON.parse(detail ?? "");
    expect(rollout.evaluations[0].checks[0].details.queries[0].link).toContain(`${prometheus.url}/graph?g0.expr=`);
    expect(JSON.parse(adhoc ?? "")).toMatchObject({ result: "fail" });
  }, 90_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "../../integrations/tools/cli.js";
import { shellWords } from "../../integrations/tools/shell.js";
import { createIntegrationApp, readExample, serveOnLoopback, settleOnceSeen, type IntegrationApp } from "./fixture.js";

// Replays the wait step of examples/github-actions/canary-gate.yml as a runner runs it: GitHub substitutes
// ${{ expressions }} in env and run (an unset secret becomes ""), the shell turns run into
// `docker run … IMAGE canary-gate wait …`, and docker gives the container only the variables named by -e.
// The CLI then talks to the app on a loopback port. Auth is on: its only token is the CANARY_GATE_TOKEN secret.

interface Step { id?: string; if?: string; env?: Record<string, string>; run?: string }
interface Job { env?: Record<string, string>; steps: Step[] }
interface Workflow { env?: Record<string, string>; jobs: Record<string, Job> }
type Context = { github: { sha: string; event: { before: string } }; vars: Record<string, string>; secrets: Record<string, string> };

const workflow = readExample("github-actions/canary-gate.yml") as Workflow;
const job = Object.values(workflow.jobs).find((candidate) => candidate.steps.some((step) => step.run?.includes("canary-gate wait"))) as Job;
const waitStep = job.steps.find((step) => step.run?.includes("canary-gate wait")) as Step;
const stepRunning = (command: string) => job.steps.find((step) => step.run?.includes(command));

/** `${{ a.b }}` for the property paths the example uses. */
function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, path: string) => {
    const value = path.split(".").reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], context);
    if (typeof value === "string") return value;
    if (path.startsWith("secrets.")) return "";
    throw new Error(`\${{ ${path} }} is not in the test's context`);
  });
}

/** The wait step's container: its image, its command and the environment docker gives it. */
function container(context: Context): { image: string; argv: string[]; env: Record<string, string> } {
  const shellEnv = Object.fromEntries(Object.entries({ ...workflow.env, ...job.env, ...waitStep.env }).map(([name, value]) => [name, substitute(String(value), context)]));
  const words = shellWords(substitute(waitStep.run ?? "", context), shellEnv);
  expect(words.slice(0, 2)).toEqual(["docker", "run"]);
  const env: Record<string, string> = {};
  let at = 2;
  for (; words[at]?.startsWith("-"); at++) {
    if (words[at] === "--rm") continue;
    if (words[at] !== "-e" && words[at] !== "--env") throw new Error(`the test does not know docker run ${words[at]}`);
    const [name = "", ...value] = (words[++at] ?? "").split("=");
    // `-e NAME` passes NAME from the calling environment, and only if it is set there.
    if (value.length > 0) env[name] = value.join("=");
    else if (shellEnv[name] !== undefined) env[name] = shellEnv[name];
  }
  return { image: words[at] ?? "", argv: words.slice(at + 1), env };
}

let app: IntegrationApp;
let server: { url: string; close: () => Promise<void> };
let deployerToken: string;
const contextFor = (sha: string, secrets: Record<string, string>): Context => ({ github: { sha, event: { before: "base" } }, vars: { CANARY_GATE_URL: server.url }, secrets });

/** Runs the step's command, polling faster than the example's 15s so the test does not wait for it. */
function runWaitStep(context: Context) {
  const { argv, env } = container(context);
  expect(argv.slice(0, 2)).toEqual(["canary-gate", "wait"]);
  return startCli([...argv.slice(1), "--interval", "100ms"], env);
}

beforeAll(async () => {
  app = await createIntegrationApp();
  server = await serveOnLoopback(app.t);
  deployerToken = await app.createToken("deployer");
  const { argv } = container(contextFor("good", {}));
  await app.putGate(argv[argv.indexOf("--gate") + 1] ?? "");
});
afterAll(async () => {
  await server?.close();
  await app?.t.close();
});

describe("GitHub Actions workflow: the wait step against the example", () => {
  it("runs `canary-gate wait` in the Canary Gate image, with the token only from the CANARY_GATE_TOKEN secret", () => {
    expect(waitStep.env?.CANARY_GATE_TOKEN).toBe("${{ secrets.CANARY_GATE_TOKEN }}");
    const { image, env } = container(contextFor("good", { CANARY_GATE_TOKEN: deployerToken }));
    expect(image).toBe(workflow.env?.CANARY_GATE_IMAGE);
    expect(env).toEqual({ CANARY_GATE_URL: server.url, CANARY_GATE_TOKEN: deployerToken });
  });

  it("continue: the step exits 0, so the workflow promotes", async () => {
    const run = runWaitStep(contextFor("good", { CANARY_GATE_TOKEN: deployerToken }));
    await settleOnceSeen(app, run);
    expect(await run.exitCode).toBe(0);
    expect(run.stdout()).toMatch(/^continue: All 1 checks pass/);
    expect(stepRunning("--promote")?.if).toBe("success()");
  });

  it("halt: the step exits 1, so the workflow rolls back", async () => {
    const run = runWaitStep(contextFor("bad", { CANARY_GATE_TOKEN: deployerToken }));
    await settleOnceSeen(app, run);
    expect(await run.exitCode).toBe(1);
    expect(run.stdout()).toMatch(/^halt: Critical check latency/);
    expect(stepRunning("--rollback")?.if).toBe(`failure() && steps.${waitStep.id}.conclusion == 'failure'`);
  });

  it("without the secret the CLI is refused 401 and exits 2; with a viewer token 403", async () => {
    const anonymous = runWaitStep(contextFor("good", {}));
    expect(await anonymous.exitCode).toBe(2);
    expect(anonymous.stderr()).toMatch(/^canary-gate: POST \/v1\/gates\/[\w-]+\/verdict: HTTP 401 /);
    const viewer = runWaitStep(contextFor("good", { CANARY_GATE_TOKEN: await app.createToken("viewer") }));
    expect(await viewer.exitCode).toBe(2);
    expect(viewer.stderr()).toMatch(/^canary-gate: POST \/v1\/gates\/[\w-]+\/verdict: HTTP 403 /);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "../../integrations/tools/cli.js";
import { shellWords } from "../../integrations/tools/shell.js";
import { createIntegrationApp, readExample, serveOnLoopback, settleOnceSeen, type IntegrationApp } from "./fixture.js";

// Replays the wait job of examples/gitlab/.gitlab-ci.yml as a runner runs it: the job's environment is the
// file's variables, GitLab's predefined ones and the project's CI/CD variables (which take precedence), and
// the shell runs the script line in the job's image. The CLI then talks to the app on a loopback port.
// Auth is on: its only token is the CANARY_GATE_TOKEN CI/CD variable.

interface Job { stage?: string; image?: { name: string; entrypoint?: string[] }; variables?: Record<string, string>; script?: string[]; when?: string }
type Pipeline = Record<string, unknown> & { stages: string[]; variables?: Record<string, string> };

const pipeline = readExample("gitlab/.gitlab-ci.yml") as Pipeline;
const KEYWORDS = new Set(["stages", "variables", "default", "workflow", "include"]);
const jobs = Object.entries(pipeline).filter(([name]) => !KEYWORDS.has(name)) as Array<[string, Job]>;
const isWait = (line: string) => line.includes("canary-gate wait");
const waitJob = jobs.find(([, job]) => job.script?.some(isWait))?.[1] as Job;
const jobRunning = (command: string) => jobs.find(([, job]) => job.script?.some((line) => line.includes(command)))?.[1];

let app: IntegrationApp;
let server: { url: string; close: () => Promise<void> };
let deployerToken: string;

/** The job's environment for a pipeline of commit `sha`, with these project CI/CD variables. */
function jobEnv(sha: string, settings: Record<string, string>): Record<string, string> {
  const predefined = { CI_COMMIT_SHA: sha, CI_COMMIT_BEFORE_SHA: "base" };
  return { ...pipeline.variables, ...waitJob.variables, ...predefined, ...settings };
}

/** Runs the job's script line, polling faster than the example's 15s so the test does not wait for it. */
function runWaitJob(env: Record<string, string>) {
  const argv = shellWords(waitJob.script?.find(isWait) ?? "", env);
  expect(argv.slice(0, 2)).toEqual(["canary-gate", "wait"]);
  return startCli([...argv.slice(1), "--interval", "100ms"], env);
}

beforeAll(async () => {
  app = await createIntegrationApp();
  server = await serveOnLoopback(app.t);
  deployerToken = await app.createToken("deployer");
  const argv = shellWords(waitJob.script?.find(isWait) ?? "", jobEnv("good", {}));
  await app.putGate(argv[argv.indexOf("--gate") + 1] ?? "");
});
afterAll(async () => {
  await server?.close();
  await app?.t.close();
});

describe("GitLab CI pipeline: the wait job against the example", () => {
  it("runs `canary-gate wait` in the Canary Gate image, with the token only from the CI/CD variable", () => {
    expect(waitJob.image?.name).toMatch(/\/canary-gate:/);
    expect(waitJob.image?.entrypoint).toEqual([""]);
    // A token in the file would be in git: it must come from the project's CI/CD variables.
    expect(JSON.stringify(pipeline)).not.toContain("CANARY_GATE_TOKEN:");
    expect(pipeline.stages.indexOf(waitJob.stage ?? "")).toBeGreaterThan(pipeline.stages.indexOf(jobRunning("--canary")?.stage ?? ""));
  });

  it("continue: the job exits 0, so the pipeline promotes", async () => {
    const run = runWaitJob(jobEnv("good", { CANARY_GATE_URL: server.url, CANARY_GATE_TOKEN: deployerToken }));
    await settleOnceSeen(app, run);
    expect(await run.exitCode).toBe(0);
    expect(run.stdout()).toMatch(/^continue: All 1 checks pass/);
    const promote = jobRunning("--promote");
    expect(promote?.when ?? "on_success").toBe("on_success");
    expect(pipeline.stages.indexOf(promote?.stage ?? "")).toBeGreaterThan(pipeline.stages.indexOf(waitJob.stage ?? ""));
  });

  it("halt: the job exits 1 and fails, so the pipeline rolls back", async () => {
    const run = runWaitJob(jobEnv("bad", { CANARY_GATE_URL: server.url, CANARY_GATE_TOKEN: deployerToken }));
    await settleOnceSeen(app, run);
    expect(await run.exitCode).toBe(1);
    expect(run.stdout()).toMatch(/^halt: Critical check latency/);
    const rollback = jobRunning("--rollback");
    expect(rollback?.when).toBe("on_failure");
    expect(pipeline.stages.indexOf(rollback?.stage ?? "")).toBeGreaterThan(pipeline.stages.indexOf(waitJob.stage ?? ""));
  });

  it("without the CI/CD variable the CLI is refused 401 and exits 2; with a viewer token 403", async () => {
    const anonymous = runWaitJob(jobEnv("good", { CANARY_GATE_URL: server.url }));
    expect(await anonymous.exitCode).toBe(2);
    expect(anonymous.stderr()).toMatch(/^canary-gate: POST \/v1\/gates\/[\w-]+\/verdict: HTTP 401 /);
    const viewer = runWaitJob(jobEnv("good", { CANARY_GATE_URL: server.url, CANARY_GATE_TOKEN: await app.createToken("viewer") }));
    expect(await viewer.exitCode).toBe(2);
    expect(viewer.stderr()).toMatch(/^canary-gate: POST \/v1\/gates\/[\w-]+\/verdict: HTTP 403 /);
  });
});

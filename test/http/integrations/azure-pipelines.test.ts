import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDuration } from "../../../src/analysis/duration.js";
import { parseGateYaml } from "../../../src/gates/parse-gate.js";
import { evaluateSuccessCriteria } from "../../integrations/tools/azure.js";
import { sendTo, type Send } from "../../integrations/tools/http.js";
import { createIntegrationApp, readExample, repoRoot, type IntegrationApp } from "./fixture.js";

// Replays examples/azure-pipelines: the Invoke REST API task (a classic release gate and a YAML
// environment check) sends the inputs' method, headers and body to the service connection's URL plus
// urlSuffix; a sample is green only on a 200 whose JSON makes successCriteria true (`root` = the body).
// Auth is on: the only token is the deployer token the inputs' headers take from $(canaryGateToken).

interface InvokeRestApiInputs { method: string; headers: string; body: string; urlSuffix: string; successCriteria: string; waitForCompletion: string }
interface ReleaseGate {
  variables: Record<string, { value: string | null; isSecret?: boolean }>;
  postDeploymentGates: { gatesOptions: { stabilizationTime: number; samplingInterval: number; timeout: number; minimumSuccessDuration: number }; gates: Array<{ tasks: Array<{ taskId: string; inputs: InvokeRestApiInputs }> }> };
}
interface EnvironmentCheck { settings: { inputs: InvokeRestApiInputs; retryInterval: number }; timeout: number; resource: { type: string } }

const INVOKE_REST_API = "9c3e8943-130d-4c78-ac63-8af81df62dfb";
const SERVICE_CONNECTION_URL = "http://canary-gate.test";
const releaseGate = readExample("azure-pipelines/release-gate.json") as ReleaseGate;
const check = readExample("azure-pipelines/environment-check.json") as EnvironmentCheck;
const [gateTask] = releaseGate.postDeploymentGates.gates[0]?.tasks ?? [];

/** Azure's $(Name) macro substitution; an undefined variable stays as written, as Azure leaves it. */
const substitute = (text: string, variables: Record<string, string>) => text.replace(/\$\(([\w.]+)\)/g, (whole, name: string) => variables[name] ?? whole);

/** One gate sample: the task's request, then green or red as Azure decides it. */
async function sample(inputs: InvokeRestApiInputs, variables: Record<string, string>, send: Send) {
  const answer = await send({
    method: inputs.method,
    url: `${SERVICE_CONNECTION_URL}${substitute(inputs.urlSuffix, variables)}`,
    headers: JSON.parse(substitute(inputs.headers, variables)) as Record<string, string>,
    body: substitute(inputs.body, variables),
  });
  const root = JSON.parse(answer.body) as { id: string; verdict: string };
  return { green: answer.status === 200 && evaluateSuccessCriteria(inputs.successCriteria, root), status: answer.status, root };
}

let app: IntegrationApp;
let canaryGateToken: string;
beforeAll(async () => {
  app = await createIntegrationApp();
  canaryGateToken = await app.createToken("deployer");
  await app.putGate(gateTask?.inputs.urlSuffix.split("/")[3] ?? "");
});
afterAll(async () => app?.t.close());

describe("Azure Pipelines Invoke REST API against the examples", () => {
  it("calls the Invoke REST API task in ApiResponse mode with the documented success criteria", () => {
    expect(gateTask?.taskId).toBe(INVOKE_REST_API);
    for (const inputs of [gateTask?.inputs, check.settings.inputs]) {
      expect(inputs).toMatchObject({ method: "POST", waitForCompletion: "false", successCriteria: "eq(root['verdict'], 'continue')" });
    }
    expect(check.resource.type).toBe("environment");
  });

  it("times the classic gate and the check after the gate they poll", () => {
    const gateName = gateTask?.inputs.urlSuffix.split("/")[3];
    const parsed = parseGateYaml(readFileSync(new URL(`gates/${gateName}.yaml`, repoRoot), "utf8"));
    if (!parsed.ok) throw new Error("the example's gate is invalid");
    const minutes = (duration: string) => (parseDuration(duration) ?? 0) / 60_000;
    const options = releaseGate.postDeploymentGates.gatesOptions;
    expect(options.stabilizationTime).toBe(Math.ceil(minutes(parsed.gate.delay)));
    expect(options.samplingInterval).toBe(Math.max(5, Math.ceil(minutes(parsed.gate.interval))));
    expect(options.timeout).toBe(minutes(parsed.gate.timeout) + options.samplingInterval);
    expect(check.timeout).toBe(options.timeout);
    expect(check.settings.retryInterval).toBe(options.samplingInterval);
    expect(check.timeout / check.settings.retryInterval).toBeLessThanOrEqual(10);
  });

  it("the classic gate stays red while pending and turns green on continue", async () => {
    const variables = { "Release.EnvironmentName": "azure-classic", "Release.Artifacts.checkout.BuildNumber": "good", BaselineVersion: "base", canaryGateToken };
    const send = sendTo(app.t.app);
    const first = await sample(gateTask!.inputs, variables, send);
    expect(first).toMatchObject({ green: false, status: 200, root: { verdict: "pending" } });
    app.advance(5 * 60_000);
    await app.evaluate(first.root.id);
    const second = await sample(gateTask!.inputs, variables, send);
    expect(second).toMatchObject({ green: true, root: { id: first.root.id, verdict: "continue" } });
  });

  it("the environment check stays red on halt at every later sample (never a fresh pending rollout)", async () => {
    const variables = { "Build.BuildNumber": "bad", BaselineVersion: "base", canaryGateToken };
    const send = sendTo(app.t.app);
    const first = await sample(check.settings.inputs, variables, send);
    app.advance(5 * 60_000);
    await app.evaluate(first.root.id);
    for (let i = 0; i < 3; i++) {
      app.advance(check.settings.retryInterval * 60_000);
      expect(await sample(check.settings.inputs, variables, send)).toMatchObject({ green: false, status: 200, root: { id: first.root.id, verdict: "halt" } });
    }
  });

  it("an undefined pipeline variable reaches Canary Gate as $(Name) and is refused, so the gate never passes", async () => {
    const answer = await sample(check.settings.inputs, { "Build.BuildNumber": "good", canaryGateToken }, sendTo(app.t.app));
    expect(answer.green).toBe(false);
    expect(answer.status).toBe(400);
  });

  it("keeps the token in a secret variable; without it every sample is refused 401, with a viewer token 403", async () => {
    expect(releaseGate.variables.canaryGateToken).toEqual({ value: null, isSecret: true });
    for (const inputs of [gateTask!.inputs, check.settings.inputs]) {
      expect(JSON.parse(inputs.headers)).toMatchObject({ Authorization: "Bearer $(canaryGateToken)" });
      const variables = { "Release.EnvironmentName": "azure-auth", "Release.Artifacts.checkout.BuildNumber": "good", "Build.BuildNumber": "good", BaselineVersion: "base" };
      expect(await sample(inputs, variables, sendTo(app.t.app))).toMatchObject({ green: false, status: 401 });
      expect(await sample(inputs, { ...variables, canaryGateToken: await app.createToken("viewer") }, sendTo(app.t.app))).toMatchObject({ green: false, status: 403 });
    }
  });
});

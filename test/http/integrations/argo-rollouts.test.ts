import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assessMetric, measure, resolveArgs, type ArgoMetric, type MeasurementPhase } from "../../integrations/tools/argo.js";
import { sendTo } from "../../integrations/tools/http.js";
import { createIntegrationApp, readExample, repoRoot, type IntegrationApp } from "./fixture.js";

// Replays examples/argo-rollouts: the AnalysisTemplate's web metric, with the args the example Rollout
// passes and the token from the Secret the template documents, judged by Argo's rules (non-2xx and a
// missing JSONPath are Error; both conditions set and neither true is Inconclusive; limits decide the
// metric's phase). Auth is on: the only token is the one the example sends.

interface TemplateArg { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }
interface Template { metadata: { name: string }; spec: { args: TemplateArg[]; metrics: ArgoMetric[] } }
interface RolloutArg { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; podTemplateHashValue?: "Latest" | "Stable" } }
interface Rollout { metadata: { name: string; namespace: string }; spec: { strategy: { canary: { steps: Array<{ analysis?: { templates: Array<{ templateName: string }>; args: RolloutArg[] } }> } } } }
type Secrets = Record<string, Record<string, string>>;

const template = readExample("argo-rollouts/analysis-template.yaml") as Template;
const rollout = readExample("argo-rollouts/rollout.yaml") as Rollout;
const step = rollout.spec.strategy.canary.steps.find((candidate) => candidate.analysis)?.analysis;
const [metric] = template.spec.metrics as [ArgoMetric];
/** The `kubectl create secret` line the template's comment gives: namespace, Secret name and key. */
const documentedSecret = /kubectl -n (\S+) create secret generic (\S+) --from-literal=([\w.-]+)=/.exec(readFileSync(new URL("examples/argo-rollouts/analysis-template.yaml", repoRoot), "utf8"));

/** The Secrets of the cluster after the documented `kubectl create secret`, holding `token`, keyed by namespace/name. */
function secretsWith(token: string): Secrets {
  const [, namespace, name, key] = documentedSecret ?? [];
  return namespace && name && key ? { [`${namespace}/${name}`]: { [key]: token } } : {};
}

/** The args Argo resolves: the Rollout's (literal values, its own fields, the ReplicaSets' pod-template hashes) and the template's secretKeyRefs. */
function argsFor(hashes: { Latest: string; Stable: string }, secrets: Secrets): Record<string, string> {
  const fromRollout = (step?.args ?? []).map((arg) => {
    if (arg.value !== undefined) return [arg.name, arg.value];
    if (arg.valueFrom?.podTemplateHashValue) return [arg.name, hashes[arg.valueFrom.podTemplateHashValue]];
    const path = arg.valueFrom?.fieldRef?.fieldPath;
    if (path === "metadata.name") return [arg.name, rollout.metadata.name];
    if (path === "metadata.namespace") return [arg.name, rollout.metadata.namespace];
    throw new Error(`the test does not resolve ${JSON.stringify(arg)}`);
  });
  // An AnalysisRun reads Secrets only from its own namespace, the Rollout's.
  const fromSecrets = template.spec.args.flatMap((arg) => {
    const ref = arg.valueFrom?.secretKeyRef;
    if (!ref) return [];
    const value = secrets[`${rollout.metadata.namespace}/${ref.name}`]?.[ref.key];
    if (value === undefined) throw new Error(`secret ${ref.name} has no key ${ref.key}: the AnalysisRun would be Error`);
    return [[arg.name, value]];
  });
  return Object.fromEntries([...fromRollout, ...fromSecrets]);
}

let app: IntegrationApp;
let secrets: Secrets;
let deployerToken: string;
beforeAll(async () => {
  app = await createIntegrationApp();
  deployerToken = await app.createToken("deployer");
  secrets = secretsWith(deployerToken);
  await app.putGate(argsFor({ Latest: "x", Stable: "x" }, secrets).gate ?? "");
});
afterAll(async () => app?.t.close());

/** Runs measurements, moving the clock by the metric's interval and letting the scheduler evaluate in between. */
async function runAnalysis(hashes: { Latest: string; Stable: string }, maxMeasurements = 12) {
  const send = sendTo(app.t.app);
  const resolved = resolveArgs(metric, argsFor(hashes, secrets));
  const phases: MeasurementPhase[] = [];
  const values: Array<string | undefined> = [];
  for (let i = 0; i < maxMeasurements; i++) {
    const measurement = await measure(resolved, send);
    phases.push(measurement.phase);
    values.push(measurement.value);
    const phase = assessMetric(resolved, phases);
    if (phase !== "Running" && phase !== "Pending") return { phase, phases, values, requests: send.log };
    app.advance(30_000);
    const { id } = JSON.parse(send.log.at(-1)?.answer.body ?? "{}") as { id?: string };
    if (id) await app.evaluate(id);
  }
  return { phase: assessMetric(resolved, phases), phases, values, requests: send.log };
}

describe("Argo Rollouts web metric against the example AnalysisTemplate", () => {
  it("is wired to the template the Rollout names, and passes Argo's validation of limits", () => {
    expect(step?.templates.map((t) => t.templateName)).toEqual([template.metadata.name]);
    const passed = template.spec.args.filter((arg) => !arg.valueFrom);
    expect(passed.map((arg) => arg.name).sort()).toEqual((step?.args ?? []).map((arg) => arg.name).sort());
    const count = metric.count ?? 0;
    expect(count).toBeGreaterThanOrEqual((metric.failureLimit ?? 0) + (metric.consecutiveSuccessLimit ?? 0));
    expect(count).toBeGreaterThanOrEqual(metric.inconclusiveLimit ?? 0);
    expect(metric.provider.web.method).toBe("POST");
  });

  it("reads the token from the Secret the template documents, in the Rollout's namespace", () => {
    expect(documentedSecret?.[1]).toBe(rollout.metadata.namespace);
    expect(argsFor({ Latest: "good", Stable: "base" }, secrets).token).toBe(deployerToken);
    expect(() => argsFor({ Latest: "good", Stable: "base" }, {})).toThrow(/the AnalysisRun would be Error/);
  });

  it("a healthy canary: pending answers are Inconclusive and waited out, then continue makes the metric Successful", async () => {
    const run = await runAnalysis({ Latest: "good", Stable: "base" });
    expect(run.phase).toBe("Successful");
    expect(run.phases[0]).toBe("Inconclusive");
    expect(run.phases.at(-1)).toBe("Successful");
    expect(run.phases).not.toContain("Error");
    expect(run.values[0]).toBe('"pending"');
    expect(run.values.at(-1)).toBe('"continue"');
    const first = run.requests[0]?.request;
    expect(first?.method).toBe("POST");
    expect(first?.headers["content-type"]).toBe("application/json");
    expect(first?.headers.authorization).toBe(`Bearer ${deployerToken}`);
    expect(JSON.parse(first?.body ?? "{}")).toEqual({ service: "checkout", environment: "production", version: "good", baselineVersion: "base" });
  });

  it("a regressed canary: halt makes the measurement and the metric Failed (the Rollout aborts)", async () => {
    const run = await runAnalysis({ Latest: "bad", Stable: "base" });
    expect(run.phase).toBe("Failed");
    expect(run.phases.at(-1)).toBe("Failed");
    expect(run.phases).not.toContain("Error");
    // Polling on after the halt keeps answering halt: the same rollout, not a new pending one.
    const again = await measure(resolveArgs(metric, argsFor({ Latest: "bad", Stable: "base" }, secrets)), sendTo(app.t.app));
    expect(again).toMatchObject({ phase: "Failed", value: '"halt"' });
  });

  it("a gate Canary Gate does not know is an Error measurement (404), never a Successful one", async () => {
    const resolved = resolveArgs(metric, { ...argsFor({ Latest: "good", Stable: "base" }, secrets), gate: "no-such-gate" });
    const measurement = await measure(resolved, sendTo(app.t.app));
    expect(measurement).toMatchObject({ phase: "Error", message: "received non 2xx response code: 404" });
    const phases = Array.from({ length: (metric.consecutiveErrorLimit ?? 4) + 1 }, () => "Error" as const);
    expect(assessMetric(resolved, phases)).toBe("Error");
    expect(assessMetric(resolved, phases.slice(1))).toBe("Running");
  });

  it("without the token the measurement is an Error (401), and a viewer token is not enough (403)", async () => {
    const args = argsFor({ Latest: "good", Stable: "unauthenticated" }, secrets);
    const web = metric.provider.web;
    const withoutToken = { ...metric, provider: { web: { ...web, headers: web.headers?.filter((header) => header.key.toLowerCase() !== "authorization") } } };
    expect(await measure(resolveArgs(withoutToken, args), sendTo(app.t.app))).toMatchObject({ phase: "Error", message: "received non 2xx response code: 401" });
    const viewer = argsFor({ Latest: "good", Stable: "unauthenticated" }, secretsWith(await app.createToken("viewer")));
    expect(await measure(resolveArgs(metric, viewer), sendTo(app.t.app))).toMatchObject({ phase: "Error", message: "received non 2xx response code: 403" });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callWebhook, FlaggerScheduler, type CanarySpec, type FlaggerWebhook } from "../../integrations/tools/flagger.js";
import { sendTo } from "../../integrations/tools/http.js";
import { expectProblem } from "../../helpers/problem.js";
import { createIntegrationApp, readExample, type IntegrationApp } from "./fixture.js";

// Replays examples/flagger/canary.yaml: Flagger POSTs {name, namespace, phase, checksum, metadata} to each
// hook, passes it on 200-202 only, and its scheduler acts on each hook type as in research §3.3-3.4.
// The version is Flagger's checksum here ("good" or "bad" selects the static source's series). Auth is on
// and Flagger sends no Authorization header: the deployer token in metadata.token is the only credential.

const example = readExample("flagger/canary.yaml") as CanarySpec;

/** The example with its placeholder token replaced, as the operator fills it in (a hook without one stays without). */
function withToken(token: string): CanarySpec {
  const webhooks = example.spec.analysis.webhooks.map((h) => (h.metadata?.token === undefined ? h : { ...h, metadata: { ...h.metadata, token } }));
  return { ...example, spec: { ...example.spec, analysis: { ...example.spec.analysis, webhooks } } };
}

let app: IntegrationApp;
let canary: CanarySpec;
let hooks: FlaggerWebhook[];
const hook = (type: string) => hooks.find((candidate) => candidate.type === type) as FlaggerWebhook;
beforeAll(async () => {
  app = await createIntegrationApp();
  canary = withToken(await app.createToken("deployer"));
  hooks = canary.spec.analysis.webhooks;
  await app.putGate(hooks[0]?.metadata?.gate ?? "");
});
afterAll(async () => app?.t.close());

/** A rollout's id from a hook's answer (the verdict JSON). */
const idOf = (body: string) => (JSON.parse(body) as { id: string }).id;

describe("Flagger webhooks from the example Canary", () => {
  it("uses one URL per hook type, all with the same metadata naming the gate and carrying the token", () => {
    const webhooks = example.spec.analysis.webhooks;
    expect(webhooks.map((h) => h.type).sort()).toEqual(["confirm-promotion", "post-rollout", "pre-rollout", "rollback", "rollout"]);
    for (const h of webhooks) {
      expect(new URL(h.url).pathname).toBe(`/v1/flagger/${h.type}`);
      expect(h.metadata).toEqual(webhooks[0]?.metadata);
      expect(Object.keys(h.metadata ?? {})).toEqual(expect.arrayContaining(["gate", "token"]));
    }
  });

  it("refuses a hook without the token, or with the example's placeholder, 401; a viewer token 403", async () => {
    const send = sendTo(app.t.app);
    const { token: _token, ...anonymous } = hook("pre-rollout").metadata ?? {};
    expect((await callWebhook(canary, { ...hook("pre-rollout"), metadata: anonymous }, "Progressing", "no-token", send)).status).toBe(401);
    expect((await callWebhook(example, example.spec.analysis.webhooks[0]!, "Progressing", "placeholder", send)).status).toBe(401);
    const viewer = withToken(await app.createToken("viewer"));
    expect((await callWebhook(viewer, viewer.spec.analysis.webhooks[0]!, "Progressing", "viewer", send)).status).toBe(403);
  });

  it("a healthy canary steps up while pending, waits at full weight for continue, then is promoted", async () => {
    const flagger = new FlaggerScheduler(canary, "good", sendTo(app.t.app));
    expect(await flagger.tick()).toBe("Progressing");
    const id = idOf(flagger.calls.find((call) => call.type === "pre-rollout")?.body ?? "{}");
    expect(flagger.calls.map((call) => [call.type, call.status])).toEqual([["rollback", 423], ["pre-rollout", 200], ["rollout", 200]]);
    for (let tick = 0; tick < 5; tick++) await flagger.tick();
    expect(flagger.weight).toBe(canary.spec.analysis.maxWeight);
    expect(flagger.phase).toBe("WaitingPromotion");
    expect(flagger.calls.at(-1)).toMatchObject({ type: "confirm-promotion", status: 423, passed: false });
    expect(flagger.failedChecks).toBe(0);

    app.advance(5 * 60_000);
    expect(await app.evaluate(id)).toMatchObject({ verdict: "continue", final: true });
    expect(await flagger.tick()).toBe("Succeeded");
    expect(flagger.calls.slice(-4).map((call) => [call.type, call.status])).toEqual([["rollback", 412], ["rollout", 200], ["confirm-promotion", 200], ["post-rollout", 200]]);
    expect(new Set(flagger.calls.map((call) => idOf(call.body)))).toEqual(new Set([id]));
  });

  it("a regressed canary is rolled back by the rollback hook on the first tick after the halt", async () => {
    const flagger = new FlaggerScheduler(canary, "bad", sendTo(app.t.app));
    await flagger.tick();
    const id = idOf(flagger.calls[0]?.body ?? "{}");
    app.advance(5 * 60_000);
    expect(await app.evaluate(id)).toMatchObject({ verdict: "halt", final: true });
    expect(await flagger.tick()).toBe("Failed");
    expect(flagger.calls.slice(-2).map((call) => [call.type, call.status])).toEqual([["rollback", 200], ["post-rollout", 200]]);
    const halt = JSON.parse(flagger.calls.at(-2)?.body ?? "{}");
    expect(halt.reason).toMatch(/^Critical check latency/);
  });

  it("answers each hook type with the status its semantics need", async () => {
    const send = sendTo(app.t.app);
    const inTable = (h: FlaggerWebhook) => ({ ...h, metadata: { ...h.metadata, environment: "hook-table" } });
    const statuses = async (checksum: string) =>
      Object.fromEntries(
        await Promise.all(
          ["pre-rollout", "rollout", "confirm-traffic-increase", "confirm-promotion", "rollback"].map(async (type) => {
            const h = inTable({ ...hook("rollout"), type, url: hook("rollout").url.replace(/rollout$/, type) });
            return [type, (await callWebhook(canary, h, "Progressing", checksum, send)).status];
          }),
        ),
      );
    expect(await statuses("pending-rev")).toEqual({ "pre-rollout": 200, rollout: 200, "confirm-traffic-increase": 423, "confirm-promotion": 423, rollback: 423 });
    const started = await Promise.all(["good", "bad"].map((checksum) => callWebhook(canary, inTable(hook("pre-rollout")), "Progressing", checksum, send)));
    app.advance(5 * 60_000);
    for (const call of started) await app.evaluate(idOf(call.body));
    expect(await statuses("good")).toEqual({ "pre-rollout": 200, rollout: 200, "confirm-traffic-increase": 200, "confirm-promotion": 200, rollback: 412 });
    expect(await statuses("bad")).toEqual({ "pre-rollout": 409, rollout: 409, "confirm-traffic-increase": 409, "confirm-promotion": 409, rollback: 200 });
  });

  it("a new checksum (a new Canary revision) supersedes the open analysis and starts its own", async () => {
    const send = sendTo(app.t.app);
    const withVersion = { ...hook("rollout"), metadata: { ...hook("rollout").metadata, version: "6.5.0" } };
    const first = await callWebhook(canary, withVersion, "Progressing", "rev-1", send);
    const second = await callWebhook(canary, withVersion, "Progressing", "rev-2", send);
    expect(idOf(second.body)).not.toBe(idOf(first.body));
    const old = await app.t.request("GET", `/v1/rollouts/${idOf(first.body)}`);
    expect(old.body).toMatchObject({ verdict: "halt", final: true, version: "6.5.0", labels: { "flagger.checksum": "rev-1", "flagger.canary": "production/podinfo" } });
    expect(old.body.reason).toMatch(/^Superseded: Flagger restarted the analysis/);
    expect(idOf((await callWebhook(canary, withVersion, "Progressing", "rev-2", send)).body)).toBe(idOf(second.body));
  });

  it("post-rollout with phase Failed stops the open analysis", async () => {
    const send = sendTo(app.t.app);
    const started = await callWebhook(canary, hook("pre-rollout"), "Progressing", "rolled-back", send);
    const done = await callWebhook(canary, hook("post-rollout"), "Failed", "rolled-back", send);
    expect(done.status).toBe(200);
    expect(JSON.parse(done.body)).toMatchObject({ id: idOf(started.body), verdict: "halt", final: true, reason: "Cancelled: Flagger rolled the canary back (post-rollout phase Failed)." });
    const unknown = await app.t.request("POST", "/v1/flagger/post-rollout", { name: "podinfo", namespace: "production", phase: "Succeeded", checksum: "never-started", metadata: hook("rollout").metadata });
    expectProblem(unknown, 404, "/problems/rollout-not-found");
  });

  it("names what is missing from the webhook, which Flagger shows in its event", async () => {
    const noGate = await app.t.request("POST", "/v1/flagger/rollout", { name: "podinfo", namespace: "production", phase: "Progressing", checksum: "abc", metadata: {} });
    expectProblem(noGate, 400, "/problems/rollout-invalid");
    expect(noGate.body.errors).toEqual([{ path: "body.metadata.gate", message: expect.stringContaining("is required") }]);
    const noVersion = await app.t.request("POST", "/v1/flagger/rollout", { name: "podinfo", namespace: "production", metadata: { gate: "flagger-podinfo" } });
    expect(noVersion.body.errors).toEqual([{ path: "body.checksum", message: expect.stringContaining("metadata.version") }]);
    const badName = await app.t.request("POST", "/v1/flagger/rollout", { name: "pod info", namespace: "production", checksum: "c", metadata: { gate: "flagger-podinfo" } });
    expect(badName.body.errors[0].path).toBe("body.name");
    expectProblem(await app.t.request("POST", "/v1/flagger/confirm-rollout", { name: "p", namespace: "n", checksum: "c", metadata: { gate: "g" } }), 400, "/problems/validation");
    expectProblem(await app.t.request("POST", "/v1/flagger/rollout", { name: "p", namespace: "n", checksum: "c", metadata: { gate: "nope" } }), 404, "/problems/gate-not-found");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendTo } from "../../integrations/tools/http.js";
import { createWebhook, monitorWebhook, type WebhookStage } from "../../integrations/tools/spinnaker.js";
import { createIntegrationApp, readExample, type IntegrationApp } from "./fixture.js";

// Replays examples/spinnaker/webhook-stage.json as Orca runs a Webhook stage: the POST, the status URL
// from the answer (statusUrlJsonPath), then GETs of it read with statusJsonPath against the status lists.
// Auth is on: the only token is the deployer token in the stage's customHeaders, sent with every request.

const stage = readExample("spinnaker/webhook-stage.json") as WebhookStage;

/** Orca evaluates the stage's SpEL before sending; these are the two expressions the example uses. */
function withTrigger(tag: string, environment: string): WebhookStage {
  const text = JSON.stringify(stage).replace("${trigger['tag']}", tag).replace("${parameters['baselineVersion']}", "base").replace('"environment":"production"', `"environment":"${environment}"`);
  return JSON.parse(text) as WebhookStage;
}

/** The operator's token in place of the example's placeholder, in the example's `Authorization: Bearer` header. */
function withToken(resolved: WebhookStage, token: string): WebhookStage {
  expect(resolved.customHeaders?.Authorization).toMatch(/^Bearer \S+$/);
  return { ...resolved, customHeaders: { ...resolved.customHeaders, Authorization: `Bearer ${token}` } };
}

let app: IntegrationApp;
let deployerToken: string;
beforeAll(async () => {
  app = await createIntegrationApp();
  deployerToken = await app.createToken("deployer");
  await app.putGate(new URL(stage.url).pathname.split("/")[3] ?? "");
});
afterAll(async () => app?.t.close());

describe("Spinnaker webhook stage against the example", () => {
  it("succeeds on continue after polling through pending, showing the reason as progress", async () => {
    const send = sendTo(app.t.app);
    const resolved = withToken(withTrigger("good", "spinnaker-good"), deployerToken);
    const created = await createWebhook(resolved, send);
    expect(created).toEqual({ status: "SUCCEEDED", statusUrl: expect.any(String) });
    expect(created.statusUrl).toMatch(/^http:\/\/canary-gate\.test\/v1\/rollouts\/[0-9a-f-]{36}\/verdict$/);
    const polling = await monitorWebhook(resolved, created.statusUrl!, send);
    expect(polling).toMatchObject({ status: "RUNNING", progress: expect.stringContaining("stabilisation delay") });

    app.advance(5 * 60_000);
    await app.evaluate(created.statusUrl!.split("/").at(-2)!);
    expect(await monitorWebhook(resolved, created.statusUrl!, send)).toMatchObject({ status: "SUCCEEDED", progress: expect.stringContaining("All 1 checks pass") });
  });

  it("is TERMINAL on halt", async () => {
    const send = sendTo(app.t.app);
    const resolved = withToken(withTrigger("bad", "spinnaker-bad"), deployerToken);
    const created = await createWebhook(resolved, send);
    app.advance(5 * 60_000);
    await app.evaluate(created.statusUrl!.split("/").at(-2)!);
    expect(await monitorWebhook(resolved, created.statusUrl!, send)).toMatchObject({ status: "TERMINAL", progress: expect.stringMatching(/^Critical check latency/) });
  });

  it("fails the stage at once on a bad request instead of polling for ever", async () => {
    const send = sendTo(app.t.app);
    expect(await createWebhook({ ...withToken(withTrigger("good", "x"), deployerToken), url: stage.url.replace(/gates\/[^/]+/, "gates/no-such-gate") }, send)).toMatchObject({ status: "TERMINAL", error: "status code 404" });
    expect(await createWebhook(withToken(JSON.parse(JSON.stringify(stage)) as WebhookStage, deployerToken), send)).toMatchObject({ status: "TERMINAL", error: "status code 400" });
  });

  it("is TERMINAL at once without the token (401), with the example's placeholder (401) or with a viewer token (403)", async () => {
    const send = sendTo(app.t.app);
    const resolved = withTrigger("good", "spinnaker-auth");
    const { Authorization: _authorization, ...anonymous } = resolved.customHeaders ?? {};
    expect(await createWebhook({ ...resolved, customHeaders: anonymous }, send)).toEqual({ status: "TERMINAL", error: "status code 401" });
    expect(await createWebhook(resolved, send)).toEqual({ status: "TERMINAL", error: "status code 401" });
    expect(await createWebhook(withToken(resolved, await app.createToken("viewer")), send)).toEqual({ status: "TERMINAL", error: "status code 403" });
  });
});

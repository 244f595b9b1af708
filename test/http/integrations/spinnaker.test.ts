import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendTo } from "../../integrations/tools/http.js";
import { createWebhook, monitorWebhook, type WebhookStage } from "../../integrations/tools/spinnaker.js";
import { createIntegrationApp, readExample, type IntegrationApp } from "./fixture.js";

// Replays examples/spinnaker/webhook-stage.json as Orca runs a Webhook stage: the POST, the status URL
// from the answer (statusUrlJsonPath), then GETs of it read with statusJsonPath against the status lists.

const stage = readExample("spinnaker/webhook-stage.json") as WebhookStage;

/** Orca evaluates the stage's SpEL before sending; these are the two expressions the example uses. */
function withTrigger(tag: string, environment: string): WebhookStage {
  const text = JSON.stringify(stage).replace("${trigger['tag']}", tag).replace("${parameters['baselineVersion']}", "base").replace('"environment":"production"', `"environment":"${environment}"`);
  return JSON.parse(text) as WebhookStage;
}

let app: IntegrationApp;
beforeAll(async () => {
  app = await createIntegrationApp();
  await app.putGate(new URL(stage.url).pathname.split("/")[3] ?? "");
});
afterAll(async () => app?.t.close());

describe("Spinnaker webhook stage against the example", () => {
  it("succeeds on continue after polling through pending, showing the reason as progress", async () => {
    const send = sendTo(app.t.app, app.t.adminHeaders);
    const resolved = withTrigger("good", "spinnaker-good");
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
    const send = sendTo(app.t.app, app.t.adminHeaders);
    const resolved = withTrigger("bad", "spinnaker-bad");
    const created = await createWebhook(resolved, send);
    app.advance(5 * 60_000);
    await app.evaluate(created.statusUrl!.split("/").at(-2)!);
    expect(await monitorWebhook(resolved, created.statusUrl!, send)).toMatchObject({ status: "TERMINAL", progress: expect.stringMatching(/^Critical check latency/) });
  });

  it("fails the stage at once on a bad request instead of polling for ever", async () => {
    const send = sendTo(app.t.app, app.t.adminHeaders);
    expect(await createWebhook({ ...withTrigger("good", "x"), url: stage.url.replace(/gates\/[^/]+/, "gates/no-such-gate") }, send)).toMatchObject({ status: "TERMINAL" });
    expect(await createWebhook(JSON.parse(JSON.stringify(stage)) as WebhookStage, send)).toMatchObject({ status: "TERMINAL" });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/app.js";
import { APPROVERS } from "../helpers/approvers.js";
import { StaticSource } from "../helpers/static-source.js";

const steady = Array.from({ length: 30 }, (_, i) => 100 + (i % 5));
let t: TestApp;
let id = "";

beforeAll(async () => {
  t = await createTestApp({ auth: { publicPages: true }, sources: [new StaticSource("prometheus").set('m{v="base"}', steady).set('m{v="new"}', steady)] });
  const gate = { delay: "0s", approvals: { rules: [{ name: "sre", approvers: ["alice", "group:sre"] }] }, checks: [{ name: "m", source: "prometheus", query: 'm{v="{{version}}"}', baselineQuery: 'm{v="{{baselineVersion}}"}' }] };
  expect((await t.request("PUT", "/v1/gates/approved-by-page", gate)).status).toBe(201);
  id = (await t.request("POST", "/v1/rollouts", { gate: "approved-by-page", service: "shop", environment: "prod", version: "new", baselineVersion: "base" })).body.id;
  await t.request("POST", `/v1/rollouts/${id}/evaluate`);
});
afterAll(async () => t?.close());

async function page() {
  const response = await t.app.request(`/rollouts/${id}`);
  const cookie = response.headers.get("set-cookie") ?? "";
  return { html: await response.text(), cookie: cookie.split(";")[0] ?? "" };
}

const post = (fields: Record<string, string>, cookie: string) =>
  t.app.request(`/rollouts/${id}/approvals`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body: new URLSearchParams(fields).toString() });

describe("approvals on the investigation page", () => {
  it("shows the request and a form for approvers, protected against cross-site posts", async () => {
    const { html, cookie } = await page();
    expect(html).toContain("Awaiting approval");
    expect(html).toContain("awaiting approval (0 of 1) from sre: alice, group:sre");
    expect(html).toMatch(/<button type="submit" name="decision" value="approve">Approve<\/button>/);
    expect(cookie).toMatch(/^cg_csrf=/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const token = APPROVERS.find((approver) => approver.name === "alice")?.token ?? "";
    // Without the cookie (another site's form), nothing is recorded.
    const forged = await post({ csrf, token, decision: "approve" }, "");
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("Form expired");
    const stranger = await post({ csrf, token: "mallory-token-0123456789abcdef", decision: "approve" }, cookie);
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain("mallory is not an approver of sre");
    expect((await t.request("GET", `/v1/rollouts/${id}/verdict`)).body.verdict).toBe("pending");

    const approved = await post({ csrf, token, decision: "approve", comment: "<script>alert(1)</script>" }, cookie);
    expect(approved.status).toBe(303);
    expect(approved.headers.get("location")).toBe(`/rollouts/${id}#approvals`);
    expect((await t.request("GET", `/v1/rollouts/${id}/verdict`)).body).toMatchObject({ verdict: "continue", final: true });
    const after = await page();
    expect(after.html).toContain("<td>alice</td>");
    expect(after.html).not.toContain("<script>alert(1)</script>");
    expect(after.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(after.html).not.toContain('name="decision"');
  });
});

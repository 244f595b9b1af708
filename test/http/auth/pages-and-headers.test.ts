import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { expectProblem } from "../../helpers/problem.js";

let t: TestApp;
let clock = new Date("2026-01-01T00:00:00Z");
const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

beforeAll(async () => {
  t = await createTestApp({ now: () => clock, auth: { corsOrigins: ["https://deploy.example.com"], rateLimitPerMinute: 20 } });
});
afterAll(() => t.close());

async function signInForm() {
  const form = await t.app.request("/signin?next=%2Frollouts%3Fverdict%3Dhalt");
  const html = await form.text();
  return { cookie: cookieOf(form), csrf: /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "", html, response: form };
}

const post = (cookie: string, fields: Record<string, string>) =>
  t.app.request("/signin", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body: new URLSearchParams(fields).toString() });

describe("pages sign-in", () => {
  it("redirects a page without a session to the sign-in form, then signs in with a token and returns", async () => {
    const page = await t.app.request("/rollouts?verdict=halt");
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/signin?next=%2Frollouts%3Fverdict%3Dhalt");
    const viewer = (await t.request("POST", "/v1/tokens", { name: "person", role: "viewer" })).body.token as string;
    const { cookie, csrf } = await signInForm();
    const signedIn = await post(cookie, { csrf, token: viewer, next: "/rollouts?verdict=halt" });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("location")).toBe("/rollouts?verdict=halt");
    const setCookie = signedIn.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^cg_session=cg_[A-Za-z0-9_-]+;/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(viewer);
    const session = cookieOf(signedIn);
    expect((await t.app.request("/rollouts", { headers: { cookie: session } })).status).toBe(200);
    expect((await t.app.request("/rollouts", { headers: { cookie: "cg_session=cg_forged" } })).status).toBe(303);
  });

  it("refuses a sign-in without the form's CSRF token, or with a bad token, and never redirects off-site", async () => {
    const { cookie, csrf } = await signInForm();
    expect((await post(cookie, { csrf: "forged", token: t.adminToken })).status).toBe(400);
    expect((await post("", { csrf, token: t.adminToken })).status).toBe(400);
    expect((await post(cookie, { csrf, token: "not-a-token-0123456789" })).status).toBe(401);
    const offsite = await post(cookie, { csrf, token: t.adminToken, next: "//evil.example/rollouts" });
    expect(offsite.headers.get("location")).toBe("/rollouts");
  });

  it("ends a session when its token is revoked", async () => {
    const created = (await t.request("POST", "/v1/tokens", { name: "leaver", role: "viewer" })).body;
    const { cookie, csrf } = await signInForm();
    const session = cookieOf(await post(cookie, { csrf, token: created.token }));
    expect((await t.app.request("/rollouts", { headers: { cookie: session } })).status).toBe(200);
    await t.request("DELETE", `/v1/tokens/${created.id}`);
    expect((await t.app.request("/rollouts", { headers: { cookie: session } })).status).toBe(303);
  });
});

describe("security headers", () => {
  it("sends a CSP without inline script or style, and pages carry neither", async () => {
    const { response, html } = await signInForm();
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain('<link rel="stylesheet" href="/assets/canary-gate.css"/>');
    const css = await t.app.request("/assets/canary-gate.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(await css.text()).toContain("box-sizing");
  });

  it("sends the API's security headers and a request id on answers and on problems alike", async () => {
    const listed = await t.app.request("/v1/tokens", { headers: t.adminHeaders });
    const missing = await t.app.request("/v1/rollouts/00000000-0000-4000-8000-000000000000/verdict", { headers: { ...t.adminHeaders, "x-request-id": "poll-42" } });
    const unauthenticated = await t.app.request("/v1/tokens");
    expect([listed.status, missing.status, unauthenticated.status]).toEqual([200, 404, 401]);
    for (const response of [listed, missing, unauthenticated]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._-]+$/);
    }
    expect(missing.headers.get("x-request-id")).toBe("poll-42");
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
  });

  it("answers CORS preflights for an allowed origin only", async () => {
    const preflight = (origin: string) =>
      t.app.request("/v1/rollouts/x/verdict", { method: "OPTIONS", headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" } });
    const allowed = await preflight("https://deploy.example.com");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://deploy.example.com");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    const refused = await preflight("https://evil.example");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After past the per-token limit, and refills with time", async () => {
    const token = (await t.request("POST", "/v1/tokens", { name: "busy", role: "viewer" })).body.token as string;
    const as = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 20; i++) expect((await t.request("GET", "/v1/gates", undefined, as)).status).toBe(200);
    const limited = await t.request("GET", "/v1/gates", undefined, as);
    expectProblem(limited, 429, "/problems/rate-limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    clock = new Date(clock.getTime() + 12_000);
    expect((await t.request("GET", "/v1/gates", undefined, as)).status).toBe(200);
  });
});

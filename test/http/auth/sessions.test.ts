import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../../src/auth/secrets.js";
import { webSessions } from "../../../src/db/schema/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";

let t: TestApp;
let clock = new Date("2026-03-01T00:00:00Z");
const HOUR = 60 * 60 * 1000;
const cookiePair = (header: string) => header.split(";")[0] ?? "";
const cookieNamed = (response: Response, name: string) => response.headers.getSetCookie().find((header) => header.startsWith(`${name}=`));

beforeAll(async () => {
  t = await createTestApp({ now: () => clock });
});
afterAll(() => t.close());

/** Signs in through the form with a new viewer token; returns the session cookie as a request sends it. */
async function signIn(name: string): Promise<string> {
  const token = (await t.request("POST", "/v1/tokens", { name, role: "viewer" })).body.token as string;
  const form = await t.app.request("/signin");
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
  const signedIn = await t.app.request("/signin", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiePair(cookieNamed(form, "cg_signin_csrf") ?? "") },
    body: new URLSearchParams({ csrf, token, next: "/rollouts" }).toString(),
  });
  expect(signedIn.status).toBe(303);
  return cookiePair(cookieNamed(signedIn, "cg_session") ?? "");
}

/** The web_sessions rows of a session cookie (found by the hash of its secret, as stored). */
async function rowsOf(session: string) {
  return t.database.db.select().from(webSessions).where(eq(webSessions.hash, hashSecret(session.slice("cg_session=".length))));
}

/** Opens the rollouts page with a session; returns the sign-out form's CSRF field and cookie. */
async function signOutForm(session: string) {
  const page = await t.app.request("/rollouts", { headers: { cookie: session } });
  expect(page.status).toBe(200);
  const html = await page.text();
  return { html, field: /action="\/signout"><input type="hidden" name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "", cookie: cookieNamed(page, "cg_signout_csrf") ?? "" };
}

const signOut = (cookie: string, csrf: string, base = "") =>
  t.app.request(`${base}/signout`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie }, body: new URLSearchParams({ csrf }).toString() });

describe("signing out", () => {
  it("offers a sign-out form on signed-in pages, protected like the other forms, and none on the sign-in form", async () => {
    const session = await signIn("reader");
    const { html, field, cookie } = await signOutForm(session);
    expect(html).toContain("Signed in as reader");
    expect(html).toContain('<button type="submit">Sign out</button>');
    expect(html).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    expect(field).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(cookie).toBe(`cg_signout_csrf=${field}; Path=/; HttpOnly; SameSite=Strict`);
    // The same token for the next page, so a form in an older tab still works.
    const again = await t.app.request("/rollouts", { headers: { cookie: `${session}; ${cookiePair(cookie)}` } });
    expect(await again.text()).toContain(`value="${field}"`);
    expect(cookieNamed(again, "cg_signout_csrf")).toBeUndefined();
    expect(await (await t.app.request("/signin")).text()).not.toContain("/signout");
  });

  it("deletes the session's row, expires its cookie with the attributes it was set with, and the old cookie opens nothing", async () => {
    const session = await signIn("leaving");
    expect(await rowsOf(session)).toHaveLength(1);
    const { field, cookie } = await signOutForm(session);
    const out = await signOut(`${session}; ${cookiePair(cookie)}`, field);
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/signin");
    expect(out.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(cookieNamed(out, "cg_session")).toBe("cg_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
    expect(await rowsOf(session)).toEqual([]);
    const reopened = await t.app.request("/rollouts", { headers: { cookie: session } });
    expect(reopened.status).toBe(303);
    expect(reopened.headers.get("location")).toBe("/signin?next=%2Frollouts");
  });

  it("refuses a sign-out form without its CSRF token, or posted from elsewhere, and the session stays", async () => {
    const session = await signIn("staying");
    const { field, cookie } = await signOutForm(session);
    const cases = [
      [`${session}; ${cookiePair(cookie)}`, "forged"],
      [`${session}; ${cookiePair(cookie)}`, ""],
      // Another site's form: the browser sends no SameSite=Strict cookie, so neither the token's cookie.
      [session, field],
    ] as const;
    for (const [cookies, csrf] of cases) {
      const refused = await signOut(cookies, csrf);
      expect(refused.status).toBe(400);
      expect(await refused.text()).toContain("Form expired");
      expect(cookieNamed(refused, "cg_session")).toBeUndefined();
    }
    expect(await rowsOf(session)).toHaveLength(1);
    expect((await t.app.request("/rollouts", { headers: { cookie: session } })).status).toBe(200);
  });

  it("expires a Secure cookie over https, and signs out a session that has already ended without error", async () => {
    const session = await signIn("secure");
    const { field, cookie } = await signOutForm(session);
    const first = await signOut(`${session}; ${cookiePair(cookie)}`, field, "https://canary-gate.test");
    expect(cookieNamed(first, "cg_session")).toBe("cg_session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict");
    const second = await signOut(`${session}; ${cookiePair(cookie)}`, field);
    expect(second.status).toBe(303);
    expect(second.headers.get("location")).toBe("/signin");
  });

  it("still ends a session when its token is revoked", async () => {
    const created = (await t.request("POST", "/v1/tokens", { name: "revoked", role: "viewer" })).body;
    const form = await t.app.request("/signin");
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
    const signedIn = await t.app.request("/signin", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiePair(cookieNamed(form, "cg_signin_csrf") ?? "") },
      body: new URLSearchParams({ csrf, token: created.token }).toString(),
    });
    const session = cookiePair(cookieNamed(signedIn, "cg_session") ?? "");
    expect((await t.app.request("/rollouts", { headers: { cookie: session } })).status).toBe(200);
    expect((await t.request("DELETE", `/v1/tokens/${created.id}`)).status).toBe(200);
    expect((await t.app.request("/rollouts", { headers: { cookie: session } })).status).toBe(303);
  });
});

describe("expired sessions", () => {
  it("are deleted when someone signs in, while live ones stay", async () => {
    const old = await signIn("early");
    clock = new Date(clock.getTime() + 6 * HOUR);
    const live = await signIn("later");
    // Sessions last 12 h: at +13 h the first has expired (its row is still there), the second has 5 h left.
    clock = new Date(clock.getTime() + 7 * HOUR);
    expect((await t.app.request("/rollouts", { headers: { cookie: old } })).status).toBe(303);
    expect(await rowsOf(old)).toHaveLength(1);
    const fresh = await signIn("now");
    expect(await rowsOf(old)).toEqual([]);
    expect(await rowsOf(live)).toHaveLength(1);
    expect(await rowsOf(fresh)).toHaveLength(1);
    expect((await t.app.request("/rollouts", { headers: { cookie: live } })).status).toBe(200);
    const expired = await t.database.db.select().from(webSessions);
    expect(expired.filter((row) => row.expiresAt <= clock)).toEqual([]);
  });
});

import { randomBytes } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Authenticator } from "../../auth/authenticator.js";
import type { Principal } from "../../auth/roles.js";

export const SESSION_COOKIE = "cg_session";
/** Double-submit token of the sign-out form in every page's header; the form posts outside /rollouts, so the path is /. */
export const SIGN_OUT_CSRF_COOKIE = "cg_signout_csrf";

/** What the page layout needs to offer signing out: who is signed in, and the form's CSRF token. */
export interface SignOutForm {
  name: string;
  csrf: string;
}

type Env = { Variables: { requestId: string; principal: Principal | undefined; signOut: SignOutForm | undefined } };

/** A page's path and query, as a sign-in's `next`: only paths of the pages, never another site. */
export function safeNext(next: string | undefined): string {
  return next && /^\/rollouts(?:[/?#]|$)/.test(next) && !/[\\\s]/.test(next) ? next : "/rollouts";
}

/** Cookies are Secure when the pages are served over https (directly, or as PUBLIC_URL says behind a proxy). */
export function isHttps(c: Context, publicUrl: string): boolean {
  return publicUrl.startsWith("https:") || new URL(c.req.url).protocol === "https:";
}

export function setSessionCookie(c: Context, secret: string, expiresAt: Date, secure: boolean) {
  setCookie(c, SESSION_COOKIE, secret, { httpOnly: true, sameSite: "Strict", secure, path: "/", expires: expiresAt });
}

/** The session cookie with the attributes it was set with, expired at once. */
export function clearSessionCookie(c: Context, secure: boolean) {
  setCookie(c, SESSION_COOKIE, "", { httpOnly: true, sameSite: "Strict", secure, path: "/", maxAge: 0 });
}

function signOutCsrf(c: Context, secure: boolean): string {
  const existing = getCookie(c, SIGN_OUT_CSRF_COOKIE);
  if (existing) return existing;
  const csrf = randomBytes(18).toString("base64url");
  setCookie(c, SIGN_OUT_CSRF_COOKIE, csrf, { httpOnly: true, sameSite: "Strict", secure, path: "/" });
  return csrf;
}

/** The investigation pages need a session (see /signin); without one, GETs go to the sign-in form. */
export function pageAuth(deps: { isOpen: boolean; authenticator: Authenticator; publicUrl: string }): MiddlewareHandler<Env> {
  return async (c, next) => {
    // Registered for /rollouts and /rollouts/*, which both match /rollouts: check the session once.
    if (deps.isOpen || c.get("principal")) return next();
    const secret = getCookie(c, SESSION_COOKIE);
    const principal = secret && secret.length <= 512 ? await deps.authenticator.resumeSession(secret) : null;
    if (principal) {
      c.set("principal", principal);
      c.set("signOut", { name: principal.name, csrf: signOutCsrf(c, isHttps(c, deps.publicUrl)) });
      return next();
    }
    const url = new URL(c.req.url);
    const target = c.req.method === "GET" ? `${url.pathname}${url.search}` : url.pathname.replace(/\/approvals$/, "");
    return c.redirect(`/signin?next=${encodeURIComponent(target)}`, 303);
  };
}

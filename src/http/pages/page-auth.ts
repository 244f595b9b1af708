import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Authenticator } from "../../auth/authenticator.js";
import type { Principal } from "../../auth/roles.js";

export const SESSION_COOKIE = "cg_session";

type Env = { Variables: { requestId: string; principal: Principal | undefined } };

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

/** The investigation pages need a session (see /signin); without one, GETs go to the sign-in form. */
export function pageAuth(deps: { isOpen: boolean; authenticator: Authenticator }): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (deps.isOpen) return next();
    const secret = getCookie(c, SESSION_COOKIE);
    const principal = secret && secret.length <= 512 ? await deps.authenticator.resumeSession(secret) : null;
    if (principal) {
      c.set("principal", principal);
      return next();
    }
    const url = new URL(c.req.url);
    const target = c.req.method === "GET" ? `${url.pathname}${url.search}` : url.pathname.replace(/\/approvals$/, "");
    return c.redirect(`/signin?next=${encodeURIComponent(target)}`, 303);
  };
}

import { getCookie } from "hono/cookie";
import type { AppRouter } from "../../app.js";
import type { Authenticator } from "../../auth/authenticator.js";
import { renderErrorPage } from "./layout.js";
import { clearSessionCookie, isHttps, SESSION_COOKIE, SIGN_OUT_CSRF_COOKIE } from "./page-auth.js";

/** `POST /signout`, the form in every signed-in page's header: the session's row goes, then its cookie. */
export function registerSignOut(app: AppRouter, deps: { authenticator: Authenticator; publicUrl: string }) {
  app.post("/signout", async (c) => {
    const form = await c.req.parseBody();
    const csrf = typeof form.csrf === "string" ? form.csrf : "";
    if (!csrf || csrf !== getCookie(c, SIGN_OUT_CSRF_COOKIE)) {
      return renderErrorPage(c, { status: 400, title: "Form expired", detail: "The sign-out form could not be verified (it came from elsewhere, or it is too old). Reload the page and try again." });
    }
    const secret = getCookie(c, SESSION_COOKIE);
    if (secret && secret.length <= 512) await deps.authenticator.endSession(secret);
    clearSessionCookie(c, isHttps(c, deps.publicUrl));
    c.header("cache-control", "no-store");
    return c.redirect("/signin", 303);
  });
}

import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AppRouter } from "../../app.js";
import type { Authenticator } from "../../auth/authenticator.js";
import { renderPage } from "./layout.js";
import { isHttps, safeNext, setSessionCookie } from "./page-auth.js";

const CSRF_COOKIE = "cg_signin_csrf";

function SignInForm(props: { next: string; csrf: string; error?: string }) {
  return (
    <>
      <h1>Sign in</h1>
      <p>Paste a Canary Gate token (any role) to read the rollout pages. Ask the operator of Canary Gate for one.</p>
      {props.error ? (
        <p role="alert">
          <strong>{props.error}</strong>
        </p>
      ) : null}
      <form method="post" action="/signin">
        <input type="hidden" name="csrf" value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <p>
          <label for="signin-token">Token</label> <input id="signin-token" name="token" type="password" autocomplete="off" required />
        </p>
        <p>
          <button type="submit">Sign in</button>
        </p>
      </form>
      <p>
        Already signed in (for example after following a link from another site)? <a href={props.next}>Continue</a>
      </p>
    </>
  );
}

function renderSignIn(c: Context, secure: boolean, next: string, status: 200 | 400 | 401, error?: string) {
  const csrf = getCookie(c, CSRF_COOKIE) ?? randomBytes(24).toString("base64url");
  setCookie(c, CSRF_COOKIE, csrf, { httpOnly: true, sameSite: "Strict", secure, path: "/signin" });
  c.header("cache-control", "no-store");
  return renderPage(c, { title: "Sign in", status, body: <SignInForm next={next} csrf={csrf} error={error} /> });
}

/** `GET /signin` and `POST /signin`: a token pasted once becomes an HttpOnly session cookie for the pages. */
export function registerSignIn(app: AppRouter, deps: { authenticator: Authenticator; publicUrl: string }) {
  app.get("/signin", (c) => renderSignIn(c, isHttps(c, deps.publicUrl), safeNext(c.req.query("next")), 200));

  app.post("/signin", async (c) => {
    const secure = isHttps(c, deps.publicUrl);
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === "string" ? form.next : undefined);
    const csrf = typeof form.csrf === "string" ? form.csrf : "";
    if (!csrf || csrf !== getCookie(c, CSRF_COOKIE)) return renderSignIn(c, secure, next, 400, "The form could not be verified (it came from elsewhere, or it is too old). Try again.");
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const principal = token.length >= 16 && token.length <= 512 ? await deps.authenticator.authenticate(token) : null;
    if (!principal) return renderSignIn(c, secure, next, 401, "That token is unknown, revoked or expired.");
    const session = await deps.authenticator.startSession(principal);
    setSessionCookie(c, session.secret, session.expiresAt, secure);
    return c.redirect(next, 303);
  });
}

import type { Context } from "hono";
import { html } from "hono/html";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SignOutForm } from "./page-auth.js";

/** The pages' one stylesheet (see styles.ts); the CSP allows no inline style or script. */
export const STYLESHEET_PATH = "/assets/canary-gate.css";

function Layout(props: { title: string; signOut: SignOutForm | undefined; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Canary Gate`}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <nav aria-label="Canary Gate">
            <a href="/rollouts">Canary Gate</a>
            <a href="/rollouts">Rollouts</a>
            <a href="/rollouts?verdict=halt">Halted</a>
            <a href="/docs">API</a>
            {props.signOut ? (
              <form class="signout" method="post" action="/signout">
                <input type="hidden" name="csrf" value={props.signOut.csrf} />
                <span>Signed in as {props.signOut.name}</span> <button type="submit">Sign out</button>
              </form>
            ) : null}
          </nav>
        </header>
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** A wide table's wrapper: it scrolls sideways on a phone, and keyboards can scroll it too. */
export function Scroll(props: { label: string; children: Child }) {
  return (
    <div class="scroll" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}

/**
 * Answers with a whole HTML document; every string in `children` is escaped by JSX. A page opened with
 * a session (see page-auth.ts) offers signing out in its header.
 */
export function renderPage(c: Context, page: { title: string; status?: ContentfulStatusCode; body: Child }) {
  const signOut = c.get("signOut") as SignOutForm | undefined;
  return c.html(html`<!DOCTYPE html>${<Layout title={page.title} signOut={signOut}>{page.body}</Layout>}`, page.status ?? 200);
}

/** A 400 or 404 as a page people can read, saying what was wrong and where to go instead. */
export function renderErrorPage(c: Context, error: { status: 400 | 401 | 403 | 404; title: string; detail: string }) {
  return renderPage(c, {
    title: error.title,
    status: error.status,
    body: (
      <>
        <h1>{error.title}</h1>
        <p>{error.detail}</p>
        <p>
          <a href="/rollouts">See all rollouts</a>
        </p>
      </>
    ),
  });
}

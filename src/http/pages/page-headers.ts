import type { MiddlewareHandler } from "hono";

/** No inline script or style anywhere on the pages: the stylesheet is a file, and the pages run no script. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Security headers of the HTML pages (the API's headers are set for every route in app.ts). */
export function pageHeaders(): MiddlewareHandler {
  return async (c, next) => {
    // Before the handler: a header added after it answered would make Hono rebuild the response.
    c.header("content-security-policy", PAGE_CSP);
    await next();
  };
}

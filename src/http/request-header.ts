import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/**
 * A request header by its lower-case name. On @hono/node-server it is read from Node's own parsed
 * headers: `c.req.header()` would first build a WHATWG `Headers` copy of them, a cost on every request
 * of the hot paths (verdict polls). Elsewhere (tests calling `app.request`) it falls back to Hono's.
 */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming?.headers) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** All request headers as a plain object, for trace-context extraction. */
export function requestHeaders(c: Context): Record<string, string | string[] | undefined> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.headers ?? Object.fromEntries(c.req.raw.headers);
}

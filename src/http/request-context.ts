import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../telemetry/logger.js";
import { requestHeader } from "./request-header.js";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Gives every request an id (kept from `x-request-id` when sane) and logs one line per request. */
export function requestContext(logger: Logger): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (c, next) => {
    const given = requestHeader(c, "x-request-id");
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    c.set("requestId", requestId);
    // Set before the handler runs: a header added after it has answered makes Hono rebuild the response.
    c.header("x-request-id", requestId);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = { event: "http.request", requestId, method: c.req.method, path: c.req.path, status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
    if (status >= 500) logger.error(line, "request failed");
    else logger.info(line, "request");
  };
}

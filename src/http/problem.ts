import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { DomainError } from "../analysis/errors.js";
import type { Logger } from "../telemetry/logger.js";
import { classifyDatabaseError, findUnstorableText } from "./database-error.js";

/** Seconds a client should wait before retrying while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/validation" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");
export type Problem = z.infer<typeof ProblemSchema>;

const DOMAIN: Record<DomainError["code"], { status: ContentfulStatusCode; title: string }> = {
  "rollout-not-found": { status: 404, title: "Rollout not found" },
  "gate-not-found": { status: 404, title: "Gate not found" },
  "gate-invalid": { status: 400, title: "Invalid gate definition" },
  "rollout-invalid": { status: 400, title: "Invalid rollout" },
  "rollout-final": { status: 409, title: "Rollout is final" },
  "invalid-input": { status: 400, title: "Invalid input" },
  unauthenticated: { status: 401, title: "Unauthenticated" },
  forbidden: { status: 403, title: "Forbidden" },
  "no-approval-requested": { status: 409, title: "No approval requested" },
};

const STATUS_TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  429: "Too many requests",
  503: "Service unavailable",
};

/** Answers with an RFC 9457 problem document. */
export function problem(c: Context, body: Omit<Problem, "title"> & { title?: string }, headers?: Record<string, string>): Response {
  const full: Problem = {
    ...body,
    title: body.title ?? STATUS_TITLES[body.status] ?? "Error",
    instance: body.instance ?? c.req.path,
    requestId: c.get("requestId" as never) as string | undefined,
  };
  return c.json(full, body.status as ContentfulStatusCode, { "content-type": "application/problem+json", ...headers });
}

export function validationProblem(c: Context, error: ZodError, where: string): Response {
  const errors = error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join("."),
    message: issue.code === "unrecognized_keys" ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}` : issue.message,
  }));
  return problem(c, {
    type: "/problems/validation",
    status: 400,
    detail: errors.map((item) => `${item.path}: ${item.message}`).join("; "),
    errors,
  });
}

/** The one place errors become responses. A 500 never shows the error's message. */
export async function toProblem(c: Context, error: unknown, logger: Logger): Promise<Response> {
  if (error instanceof DomainError) {
    const mapped = DOMAIN[error.code];
    return problem(c, {
      type: `/problems/${error.code}`,
      title: mapped.title,
      status: mapped.status,
      detail: error.message,
      ...(error.issues.length ? { errors: error.issues } : {}),
    });
  }
  if (error instanceof HTTPException && error.status < 500) {
    const detail = error.message || STATUS_TITLES[error.status] || "bad request";
    const isJson = /json/i.test(detail);
    return problem(c, {
      type: isJson ? "/problems/malformed-json" : `/problems/http-${error.status}`,
      status: error.status,
      detail: isJson ? "the request body is not valid JSON" : detail,
    });
  }
  const database = classifyDatabaseError(error);
  if (database === "unavailable") {
    logger.warn({ err: error, requestId: c.get("requestId" as never), path: c.req.path }, "database unavailable");
    const detail = "the database is unreachable; retry later";
    return problem(c, { type: "/problems/database-unavailable", status: 503, detail }, { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) });
  }
  if (database === "unstorable-input") {
    // Hono caches the parsed body, so the field can be named after the handler failed.
    const body: unknown = await c.req.json().catch(() => undefined);
    const found = findUnstorableText(body) ?? { path: "body", message: "contains a value that cannot be stored" };
    return problem(c, { type: "/problems/validation", status: 400, detail: `${found.path}: ${found.message}`, errors: [found] });
  }
  logger.error({ err: error, requestId: c.get("requestId" as never), path: c.req.path }, "unhandled error");
  return problem(c, { type: "/problems/internal", status: 500 as never, title: "Internal error", detail: "an internal error occurred; it has been logged" });
}

/** OpenAPI response entries for the problems a route can answer with. */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: STATUS_TITLES[status] ?? "Error", content: { "application/problem+json": { schema: ProblemSchema } } },
    ]),
  );
}

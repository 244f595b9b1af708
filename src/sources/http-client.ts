import type { IncomingMessage } from "node:http";
import { startDeadline, type Deadline } from "./deadline.js";
import { decodedBody, headerOf, sendRequest } from "./http-transport.js";
import { SourceError } from "./types.js";

export interface FetchJsonOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Budget for the whole call, retries and back-off included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra attempts after a 429, a 5xx or a connection failure. Default 2. */
  retries?: number;
  /** Largest body accepted. Default 10 MiB. */
  maxBytes?: number;
  /** Non-2xx statuses whose JSON body the caller interprets itself (e.g. an API's error envelope). */
  acceptStatuses?: readonly number[];
  /** Headers that say how many seconds to wait before retrying, first found wins. Default Retry-After. */
  retryAfterHeaders?: readonly string[];
  /** Ask for a gzip or deflate encoded answer (decoded here). Default true. */
  compressed?: boolean;
}

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const BACKOFF_BASE_MS = 200;
// A server asking for a longer pause than this is not coming back within an evaluation.
const RETRY_AFTER_CAP_MS = 10_000;
const SNIPPET_CHARS = 200;

/**
 * GET/POST a URL and parse its JSON body. Every failure becomes a SourceError whose message names
 * the URL without query string or credentials and never repeats the request headers.
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<unknown> {
  const { target, shown, authorization } = splitUrl(url);
  const encoding = { "accept-encoding": options.compressed === false ? "identity" : "gzip, deflate" };
  const headers: Record<string, string> = { accept: "application/json", ...encoding, ...authorization, ...options.headers };
  // Header values may be API keys; an error page that echoes them must not carry them into a message.
  const secrets = Object.values({ ...authorization, ...options.headers })
    .flatMap((v) => [v, ...v.split(/\s+/)])
    .filter((v) => v.length >= 6);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const retries = options.retries ?? 2;
  const deadline = Date.now() + options.timeoutMs;
  const limit = startDeadline(options.timeoutMs, options.signal);

  const aborted = () =>
    limit.expired
      ? new SourceError("timeout", `no answer from ${shown} within ${options.timeoutMs} ms`)
      : new SourceError("timeout", `request to ${shown} was cancelled`);

  try {
    for (let attempt = 0; ; attempt++) {
      let response: IncomingMessage;
      try {
        response = await sendRequest(target, { method: options.method ?? "GET", headers, body: options.body, deadline: limit });
      } catch (err) {
        if (limit.aborted) throw aborted();
        const failure = new SourceError("unreachable", `cannot reach ${shown}${causeCode(err)}`);
        if (attempt >= retries) throw failure;
        await backoff(attempt, undefined, deadline, limit, failure, aborted);
        continue;
      }

      const status = response.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      const accepted = ok || (options.acceptStatuses ?? []).includes(status);
      const retryable = status === 429 || status >= 500;
      if (!accepted && retryable && attempt < retries) {
        response.resume();
        const failure = new SourceError("http-status", `HTTP ${status} from ${shown}`, status);
        const retryAfter = (options.retryAfterHeaders ?? ["retry-after"]).map((header) => headerOf(response.headers, header)).find((value) => value !== null);
        await backoff(attempt, retryAfter, deadline, limit, failure, aborted);
        continue;
      }

      const text = await readCapped(response, maxBytes, shown, limit, aborted);
      const json = parseJson(text);
      if (ok) {
        if (json.ok) return json.value;
        throw new SourceError("bad-response", `${shown} answered HTTP ${status} with a body that is not JSON`);
      }
      // An accepted error status counts only with a JSON body: a proxy's HTML error page is still an HTTP error.
      if (accepted && json.ok) return json.value;
      const snippet = redact(text, secrets).slice(0, SNIPPET_CHARS).replace(/\s+/g, " ").trim();
      throw new SourceError(
        "http-status",
        `HTTP ${status} from ${shown}${snippet ? `: ${snippet}` : ""}`,
        status,
      );
    }
  } finally {
    limit.clear();
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Credentials in a URL must not reach messages or logs: move them to a header. */
function splitUrl(url: string): { target: string; shown: string; authorization: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SourceError("unreachable", "the source URL is not a valid URL");
  }
  const authorization: Record<string, string> = {};
  if (parsed.username || parsed.password) {
    const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    authorization.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    parsed.username = "";
    parsed.password = "";
  }
  const target = parsed.toString();
  parsed.search = "";
  parsed.hash = "";
  return { target, shown: parsed.toString(), authorization };
}

/** Exponential back-off with jitter, or the server's Retry-After when it gives one (capped). */
async function backoff(
  attempt: number,
  retryAfter: string | null | undefined,
  deadline: number,
  limit: Deadline,
  failure: SourceError,
  aborted: () => SourceError,
): Promise<void> {
  const asked = parseRetryAfter(retryAfter);
  const delay =
    asked !== undefined ? Math.min(asked, RETRY_AFTER_CAP_MS) : BACKOFF_BASE_MS * 2 ** attempt * (0.5 + Math.random());
  // Sleeping past the budget only to report a timeout would hide the real cause.
  if (Date.now() + delay >= deadline) throw failure;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, delay);
    const stop = limit.onAbort(done);
    function done() {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
  if (limit.aborted) throw aborted();
}

function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Read the body as a stream so an endless or huge answer is cut off instead of filling memory. */
function readCapped(response: IncomingMessage, maxBytes: number, shown: string, limit: Deadline, aborted: () => SourceError): Promise<string> {
  const tooLarge = () => new SourceError("bad-response", `${shown} sent a body larger than ${maxBytes} bytes`);
  if (Number(headerOf(response.headers, "content-length")) > maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge());
  }
  const body = decodedBody(response);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    const stop = limit.onAbort(() => response.destroy(new Error("the deadline passed")));
    const broke = (err?: unknown) => {
      stop();
      if (limit.aborted) reject(aborted());
      else reject(new SourceError("unreachable", `connection to ${shown} broke while reading the answer${causeCode(err)}`));
    };
    body.on("data", (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        stop();
        response.destroy();
        body.destroy();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    body.on("end", () => {
      ended = true;
      stop();
      resolve(Buffer.concat(chunks, size).toString("utf8"));
    });
    body.on("error", broke);
    body.on("close", () => {
      if (!ended) broke();
    });
  });
}

function causeCode(err: unknown): string {
  const code = err instanceof Error ? ((err as { code?: unknown }).code ?? (err.cause as { code?: unknown } | undefined)?.code) : undefined;
  return typeof code === "string" ? ` (${code})` : "";
}

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((acc, secret) => acc.split(secret).join("[redacted]"), text);
}

import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { pipeline, type Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Deadline } from "./deadline.js";

export interface OutgoingRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  deadline: Deadline;
}

const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * One HTTP exchange on node:http(s) with the keep-alive global agent, following redirects as fetch does
 * (a cross-origin hop drops the Authorization header; 303, and 301/302 after a POST, continue as GET).
 * Not fetch: Node's fetch registers every response's body stream in a FinalizationRegistry through a
 * WeakRef, which the young-generation collector treats as a strong reference, so each request's stream
 * graph (about 13 KB) was promoted to the old generation and stayed until a full collection; at hundreds
 * of source queries a second that was most of the service's heap growth.
 */
export async function sendRequest(url: string, init: OutgoingRequest): Promise<IncomingMessage> {
  let target = new URL(url);
  let method = init.method;
  let body = init.body;
  const headers = { ...init.headers };
  for (let hop = 0; ; hop++) {
    const response = await exchange(target, method, headers, body, init.deadline);
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || !location || hop >= MAX_REDIRECTS) return response;
    response.resume();
    const next = new URL(location, target);
    if (next.origin !== target.origin) delete headers.authorization;
    if (response.statusCode === 303 || (method === "POST" && (response.statusCode === 301 || response.statusCode === 302))) {
      method = "GET";
      body = undefined;
      delete headers["content-type"];
    }
    target = next;
  }
}

/** Sends one request; the deadline destroys it if it passes before the response headers arrive. */
function exchange(target: URL, method: string, headers: Record<string, string>, body: string | undefined, deadline: Deadline): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const sized = body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) };
    const request = send(target, { method, headers: sized }, (response) => {
      stop();
      resolve(response);
    });
    const stop = deadline.onAbort(() => request.destroy(new Error("the deadline passed")));
    request.on("error", (error) => {
      stop();
      reject(error);
    });
    request.end(body);
  });
}

/** A response header's first value, or null. */
export function headerOf(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** The body as sent, decoded when the server compressed it (gzip, deflate or br). */
export function decodedBody(response: IncomingMessage): Readable {
  const encoding = headerOf(response.headers, "content-encoding")?.trim().toLowerCase();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? createGunzip() : encoding === "deflate" ? createInflate() : encoding === "br" ? createBrotliDecompress() : null;
  if (!decoder) return response;
  return pipeline(response, decoder, () => undefined);
}

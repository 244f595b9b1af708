import { createServer, type IncomingMessage, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { createHttpJsonSource } from "../../src/sources/http-json.js";
import { SourceError, type QueryWindow } from "../../src/sources/types.js";

const SECRET = "Bearer planted-s3cr3t-token-4711";
const window: QueryWindow = { start: new Date("2024-05-01T10:00:00.500Z"), end: new Date("2024-05-01T10:30:00Z"), stepSeconds: 60 };
const START = 1714557600;
const END = 1714559400;

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A loopback server answering with `respond`; returns its base URL and every request it saw. */
async function serve(respond: (seen: Seen, attempt: number) => { status?: number; body: string; delayMs?: number }) {
  const seen: Seen[] = [];
  const handler: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(request);
      const answer = respond(request, seen.length);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { "content-type": "application/json" });
        res.end(answer.body);
      }, answer.delayMs ?? 0);
    });
  };
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SourceError);
    return err as SourceError;
  }
  throw new Error("expected a SourceError");
}

describe("request", () => {
  it("calls the path under the base URL with the configured headers and returns the JSON", async () => {
    const { url, seen } = await serve(() => ({ body: '{"status":"successful","count":3}' }));
    const source = createHttpJsonSource({ name: "ci", url: `${url}/api/v1?tenant=shop`, headers: { authorization: SECRET, "x-team": "payments" } });
    expect(source.type).toBe("http");
    await expect(source.request("/checks/42?verbose=1", { method: "GET" })).resolves.toEqual({ status: "successful", count: 3 });
    await source.request("checks/../status", { method: "POST", body: { rollout: "r-1" } });
    expect(seen.map((s) => [s.method, s.url])).toEqual([
      ["GET", "/api/v1/checks/42?verbose=1&tenant=shop"],
      ["POST", "/api/v1/status?tenant=shop"],
    ]);
    expect(seen[0]?.headers.authorization).toBe(SECRET);
    expect(seen[0]?.headers["x-team"]).toBe("payments");
    expect(seen[1]?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(seen[1]?.body ?? "")).toEqual({ rollout: "r-1" });
  });

  it.each([
    ["http://169.254.169.254/latest/meta-data", "is an absolute URL"],
    ["HTTPS://example.com/", "is an absolute URL"],
    ["javascript:alert(1)", "is an absolute URL"],
    ["//evil.example.com/x", "names a host"],
    ["/\\evil.example.com/x", "names a host"],
    ["checks\\..\\..\\admin", "contains whitespace, control characters or a backslash"],
    ["\t//evil.example.com", "contains whitespace, control characters or a backslash"],
    ["../admin", "leaves the base path"],
    ["checks/../../admin", "leaves the base path"],
    ["%2e%2e/admin", "leaves the base path"],
    ["checks/..%2f..%2fadmin", "hides a .. segment"],
  ])("refuses %j before any call", async (path, message) => {
    const { url, seen } = await serve(() => ({ body: "{}" }));
    const source = createHttpJsonSource({ name: "ci", url: `${url}/api/v1/` });
    const error = await failure(source.request(path, { method: "GET" }));
    expect(error.kind).toBe("query");
    expect(error.message).toContain(message);
    expect(seen).toHaveLength(0);
  });

  it("retries a 500 and then answers", async () => {
    const { url, seen } = await serve((_, attempt) => (attempt === 1 ? { status: 500, body: "{}" } : { body: '{"ok":true}' }));
    const source = createHttpJsonSource({ name: "ci", url });
    await expect(source.request("health", { method: "GET" })).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(2);
  });

  it("reports a body that is not JSON as bad-response", async () => {
    const { url } = await serve(() => ({ body: "<html>gateway</html>" }));
    const error = await failure(createHttpJsonSource({ name: "ci", url }).request("health", { method: "GET" }));
    expect(error.kind).toBe("bad-response");
  });

  it("gives up on a slow server with a timeout", async () => {
    const { url } = await serve(() => ({ body: "{}", delayMs: 2_000 }));
    const error = await failure(createHttpJsonSource({ name: "ci", url, timeoutMs: 200 }).request("health", { method: "GET" }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toContain("200 ms");
  });

  it("never puts a header value into a message, even when the server echoes it", async () => {
    const { url } = await serve((seen) => ({ status: seen.url.includes("missing") ? 404 : 500, body: JSON.stringify({ youSent: seen.headers }) }));
    const source = createHttpJsonSource({ name: "ci", url: url.replace("http://", "http://ops:hunter2-password@"), headers: { authorization: SECRET } });
    const messages = [
      (await failure(source.request("missing", { method: "GET" }))).message,
      (await failure(source.request("broken", { method: "GET" }))).message,
      (await failure(source.queryRange("missing $.x", window))).message,
      (await failure(source.request("https://elsewhere/", { method: "GET" }))).message,
      source.queryLink("status?from={{start}} $.x", window),
    ];
    expect(messages[0]).toContain("HTTP 404");
    for (const message of messages) {
      expect(message).not.toContain("planted-s3cr3t");
      expect(message).not.toContain("hunter2");
    }
  });
});

describe("queryRange", () => {
  it("renders {{start}} and {{end}} and stamps selected numbers at the window's end", async () => {
    const { url, seen } = await serve(() => ({ body: JSON.stringify({ items: [{ count: 3 }, { count: 5.5 }, { name: "no count" }] }) }));
    const source = createHttpJsonSource({ name: "ci", url });
    const series = await source.queryRange("stats?from={{start}}&to={{end}} $.items[*].count", window);
    expect(seen[0]?.url).toBe(`/stats?from=${START}&to=${END}`);
    expect(series).toEqual({ labels: {}, timestamps: [END, END], values: [3, 5.5] });
  });

  it("keeps the time of [timestamp, value] pairs, in time order", async () => {
    const { url } = await serve(() => ({ body: JSON.stringify({ data: [{ name: "x", points: [[END, 2], [START, 1]] }, { name: "y", points: [[START, 9]] }] }) }));
    const source = createHttpJsonSource({ name: "ci", url });
    const series = await source.queryRange("series $.data[?(@.name=='x')].points[*]", window);
    expect(series).toEqual({ labels: {}, timestamps: [START, END], values: [1, 2] });
  });

  it("returns null when the JSONPath selects nothing", async () => {
    const { url } = await serve(() => ({ body: '{"items":[]}' }));
    await expect(createHttpJsonSource({ name: "ci", url }).queryRange("stats $.items[*].count", window)).resolves.toBeNull();
  });

  it.each([
    ['{"status":"green"}', "$.status", "selected a string (match 1 of 1)"],
    ['{"items":[1,null]}', "$.items[*]", "selected null (match 2 of 2)"],
    ['{"values":[1,2,3]}', "$.values", "selected a list of 3 (match 1 of 1); a metric query needs numbers or [timestamp, value] pairs; to use a list's elements, end the JSONPath with [*]"],
    ['{"points":[[1,2],3]}', "$.points[*]", "selected a number (match 2 of 2)"],
  ])("refuses a selection that is not numbers: %s %s", async (body, jsonPath, message) => {
    const { url } = await serve(() => ({ body }));
    const error = await failure(createHttpJsonSource({ name: "ci", url }).queryRange(`stats ${jsonPath}`, window));
    expect(error.kind).toBe("bad-response");
    expect(error.message).toBe(`ci: the JSONPath ${jsonPath} ${message}${message.includes("pairs") ? "" : "; a metric query needs numbers or [timestamp, value] pairs"}`);
  });

  it.each([
    ["$.items[*].count", 'an http query is "<path> <jsonpath>"'],
    ["stats $.items[", "invalid JSONPath $.items[:"],
    ["stats?at={{now}} $.x", "unknown placeholder {{now}}"],
    ["http://elsewhere/stats $.x", "is an absolute URL"],
  ])("refuses the query %j before any call", async (query, message) => {
    const { url, seen } = await serve(() => ({ body: "{}" }));
    const error = await failure(createHttpJsonSource({ name: "ci", url }).queryRange(query, window));
    expect(error.kind).toBe("query");
    expect(error.message).toContain(message);
    expect(seen).toHaveLength(0);
  });
});

describe("queryLink", () => {
  it("links the rendered path without credentials, header values or the base URL's query", () => {
    const source = createHttpJsonSource({ name: "ci", url: "https://ops:hunter2@ci.example.com/api/?key=abc123", headers: { authorization: SECRET } });
    expect(source.queryLink("stats?from={{start}}&to={{end}} $.items[*].count", window)).toBe(
      `https://ci.example.com/api/stats?from=${START}&to=${END}`,
    );
    expect(source.queryLink("//evil.example.com $.x", window)).toBe("https://ci.example.com/api/");
  });
});

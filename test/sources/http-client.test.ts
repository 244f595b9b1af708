import { createServer, type IncomingMessage, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { describe, expect, it, onTestFinished } from "vitest";
import { fetchJson } from "../../src/sources/http-client.js";
import { caught } from "../helpers/caught.js";

describe("fetchJson over node:http", () => {
  it("follows a redirect on the same origin with the credentials", async () => {
    const seen: Array<{ path: string; authorization: string | undefined }> = [];
    const url = await serve((req, res) => {
      seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
      if (req.url === "/old") res.writeHead(302, { location: "/new" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    const withCredentials = url.replace("http://", "http://reader:s3cret@");
    expect(await fetchJson(`${withCredentials}/old`, { timeoutMs: 2000 })).toEqual({ ok: true });
    const basic = `Basic ${Buffer.from("reader:s3cret").toString("base64")}`;
    expect(seen).toEqual([
      { path: "/old", authorization: basic },
      { path: "/new", authorization: basic },
    ]);
  });

  it("drops the Authorization header when a redirect leaves the origin", async () => {
    let authorization: string | undefined = "unset";
    const other = await serve((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(200, { "content-type": "application/json" }).end("[1]");
    });
    const url = await serve((_req, res) => res.writeHead(307, { location: `${other}/elsewhere` }).end());
    expect(await fetchJson(url, { timeoutMs: 2000, headers: { authorization: "Bearer token-123456" } })).toEqual([1]);
    expect(authorization).toBeUndefined();
  });

  it("continues a POST answered with 303 as a GET without the body", async () => {
    const seen: Array<{ method: string | undefined; body: string }> = [];
    const url = await serve(async (req, res) => {
      seen.push({ method: req.method, body: await bodyOf(req) });
      if (req.url === "/submit") res.writeHead(303, { location: "/result" }).end();
      else res.writeHead(200, { "content-type": "application/json" }).end('{"done":1}');
    });
    expect(await fetchJson(`${url}/submit`, { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" }, timeoutMs: 2000 })).toEqual({ done: 1 });
    expect(seen).toEqual([
      { method: "POST", body: '{"a":1}' },
      { method: "GET", body: "" },
    ]);
  });

  it("decodes a gzip answer when compression is accepted, and asks for none when it is not", async () => {
    const encodings: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      encodings.push(req.headers["accept-encoding"]);
      if (req.headers["accept-encoding"]?.includes("gzip")) {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync('{"zipped":true}'));
      } else {
        res.writeHead(200, { "content-type": "application/json" }).end('{"zipped":false}');
      }
    });
    expect(await fetchJson(url, { timeoutMs: 2000 })).toEqual({ zipped: true });
    expect(await fetchJson(url, { timeoutMs: 2000, compressed: false })).toEqual({ zipped: false });
    expect(encodings).toEqual(["gzip, deflate", "identity"]);
  });

  it("stops at once when the caller's signal aborts, and says it was cancelled", async () => {
    const url = await serve(() => undefined);
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 50);
    const started = Date.now();
    const err = await caught(fetchJson(url, { timeoutMs: 5000, signal: caller.signal }));
    expect(err.kind).toBe("timeout");
    expect(err.message).toMatch(/was cancelled/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("times out while the body is still arriving", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"slow":');
    });
    const err = await caught(fetchJson(url, { timeoutMs: 200 }));
    expect(err.kind).toBe("timeout");
    expect(err.message).toMatch(/within 200 ms/);
  });

  it("reports a connection that breaks in the middle of the body as unreachable", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"cut":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const err = await caught(fetchJson(url, { timeoutMs: 2000, retries: 0 }));
    expect(err.kind).toBe("unreachable");
    expect(err.message).toMatch(/broke while reading/);
  });
});

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString()));
    req.on("end", () => resolve(text));
  });
}

/** A local HTTP server for the test, closed (with its open connections) when the test ends. */
async function serve(handler: RequestListener): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

import { serve } from "@hono/node-server";
import { Hono } from "hono";

/**
 * The physical limit of the verdict endpoint's stack: a bare Hono route on @hono/node-server that
 * answers a constant JSON object (read from env BODY) as `c.json` would. Prints its port when listening.
 */
const body = JSON.parse(process.env.BODY ?? "{}") as Record<string, unknown>;
const app = new Hono();
app.get("/v1/rollouts/:id/verdict", (c) => {
  c.header("cache-control", "no-store");
  return c.json(body, 200);
});
serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${info.port}\n`);
});

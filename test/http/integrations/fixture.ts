import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { parse } from "yaml";
import { expect } from "vitest";
import type { Role } from "../../../src/auth/roles.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { StaticSource } from "../../helpers/static-source.js";

// Deterministic noise around 100: the same for the baseline and a healthy canary; +20% for a regressed one.
const steady = Array.from({ length: 30 }, (_, i) => 100 + ((i * 37) % 11) / 10 - 0.5);
const regressed = steady.map((value) => value * 1.2);

export const repoRoot = new URL("../../../", import.meta.url);

export function readExample(path: string): unknown {
  const text = readFileSync(new URL(`examples/${path}`, repoRoot), "utf8");
  return path.endsWith(".json") ? JSON.parse(text) : parse(text);
}

export interface IntegrationApp {
  t: TestApp;
  /** Moves the app's clock on. */
  advance(ms: number): void;
  /** Defines a gate whose canary query selects `lat{v="VERSION"}` and whose baseline is `lat{v="base"}`. */
  putGate(name: string): Promise<void>;
  /** Evaluates a rollout now (as the scheduler would once it is due) and returns the verdict. */
  evaluate(id: string): Promise<{ verdict: string; final: boolean }>;
  /** Creates an API token with this role, as an admin does (POST /v1/tokens), and returns its secret. */
  createToken(role: Role): Promise<string>;
}

/**
 * The app with a static source: version "good" continues, "bad" (20% slower) halts, and any rollout
 * stays pending until its 1m delay has passed and it is evaluated.
 */
export async function createIntegrationApp(): Promise<IntegrationApp> {
  const source = new StaticSource("prometheus").set('lat{v="base"}', steady).set('lat{v="good"}', steady).set('lat{v="bad"}', regressed);
  let clock = new Date("2026-03-01T12:00:00Z");
  const t = await createTestApp({ sources: [source], now: () => clock });
  return {
    t,
    advance(ms) {
      clock = new Date(clock.getTime() + ms);
    },
    async putGate(name) {
      const gate = {
        delay: "1m",
        interval: "1m",
        timeout: "30m",
        checks: [{ name: "latency", source: "prometheus", query: 'lat{v="{{version}}"}', baselineQuery: 'lat{v="base"}', critical: true }],
      };
      expect((await t.request("PUT", `/v1/gates/${name}`, gate)).status).toBeLessThan(300);
    },
    async evaluate(id) {
      const answer = await t.request("POST", `/v1/rollouts/${id}/evaluate`);
      expect(answer.status).toBe(200);
      return answer.body;
    },
    async createToken(role) {
      const created = await t.request("POST", "/v1/tokens", { name: `${role}-${randomUUID()}`, role });
      expect(created.status).toBe(201);
      return created.body.token;
    },
  };
}

/** Serves the app on a loopback port, for tools that run as their own process (the CLI in a CI job). */
export async function serveOnLoopback(t: TestApp): Promise<{ url: string; close: () => Promise<void> }> {
  const server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Once `canary-gate wait` has printed the rollout pending, lets its delay pass and evaluates it, as the scheduler would. */
export async function settleOnceSeen(app: IntegrationApp, run: { waitFor(text: string): Promise<void>; stderr(): string }): Promise<void> {
  await run.waitFor("pending");
  const id = /waiting for rollout ([0-9a-f-]{36})/.exec(run.stderr())?.[1] ?? "";
  app.advance(5 * 60_000);
  await app.evaluate(id);
}

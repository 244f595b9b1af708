import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { expect } from "vitest";
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
  };
}

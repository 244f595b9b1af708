import { z } from "@hono/zod-openapi";
import type { GateRow } from "../../../db/queries/gates.js";

export const GateParams = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,62}$/, "must be 1-63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit")
    .openapi({ param: { name: "name", in: "path" }, example: "checkout-latency" }),
});

export const GateVersionQuery = z.strictObject({
  version: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

export const GateBody = z
  .record(z.string(), z.unknown())
  .openapi("GateDefinition", {
    description: "A gate definition: delay, interval, timeout, steadyFor, failureLimit, onNoData, onError and checks (see the README).",
    example: {
      delay: "1m",
      interval: "1m",
      timeout: "30m",
      checks: [
        {
          name: "p99-latency",
          source: "prometheus",
          query: 'p99_latency_seconds{service="{{service}}",version="{{version}}"}',
          test: "mann-whitney",
          direction: "increase",
          tolerance: 0.05,
          critical: true,
        },
      ],
    },
  });

export const GateSchema = z
  .object({
    name: z.string(),
    version: z.number().int(),
    origin: z.string(),
    createdAt: z.string(),
    definition: z.record(z.string(), z.unknown()),
  })
  .openapi("Gate");

export function toGate(row: GateRow) {
  return {
    name: row.name,
    version: row.version,
    origin: row.origin,
    createdAt: row.createdAt.toISOString(),
    definition: row.definition as unknown as Record<string, unknown>,
  };
}

import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps, AppRouter } from "../../../app.js";
import type { SourceEntry } from "../../../sources/registry.js";
import { problemResponses } from "../../problem.js";

const SourceSchema = z
  .object({
    name: z.string(),
    type: z.string().openapi({ example: "datadog" }),
    capabilities: z.array(z.enum(["metrics", "monitors", "http"])).openapi({ description: "What checks may use it for" }),
    url: z.string().nullable().openapi({ description: "The base URL, without credentials, query or fragment; null when not known", example: "https://api.datadoghq.com" }),
    site: z.string().nullable().openapi({ description: "The Datadog site; null for other types", example: "datadoghq.com" }),
    timeoutMs: z.number().int().nullable(),
    secrets: z
      .record(z.string(), z.literal("set"))
      .openapi({ description: "The fields that hold a secret (header values, keys, URL credentials and query parameters); their values are never shown", example: { apiKey: "set", applicationKey: "set" } }),
  })
  .openapi("Source");

const route = createRoute({
  method: "get",
  path: "/v1/sources",
  operationId: "listSources",
  tags: ["sources"],
  summary: "The configured sources (admin), by name, with which secret fields are set but never their values",
  responses: {
    200: { description: "Sources", content: { "application/json": { schema: z.object({ sources: z.array(SourceSchema) }) } } },
    ...problemResponses(401, 403),
  },
});

function toSource(entry: SourceEntry): z.infer<typeof SourceSchema> {
  const capabilities = (["metrics", "monitors", "http"] as const).filter((capability) => entry[capability]);
  const settings = entry.settings;
  return {
    name: entry.name,
    type: entry.type,
    capabilities,
    url: settings?.url ?? null,
    site: settings?.site ?? null,
    timeoutMs: settings?.timeoutMs ?? null,
    secrets: Object.fromEntries((settings?.secretFields ?? []).map((field) => [field, "set" as const])),
  };
}

export function registerListSources(app: AppRouter, deps: AppDeps) {
  app.openapi(route, (c) => {
    const entries = deps.sources.describe().flatMap(({ name }) => deps.sources.get(name) ?? []);
    c.header("cache-control", "no-store");
    return c.json({ sources: entries.map(toSource) }, 200);
  });
}

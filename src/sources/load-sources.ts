import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { createAlertmanagerSource } from "./alertmanager.js";
import { createDatadogSource } from "./datadog.js";
import { createHttpJsonSource } from "./http-json.js";
import { createPrometheusAlertsSource } from "./prometheus-alerts.js";
import { createPrometheusSource } from "./prometheus.js";
import type { AnySource } from "./registry.js";

/** A value written inline, or read from an environment variable or a file. */
const Value = z.union([
  z.string(),
  z.strictObject({ fromEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name") }),
  z.strictObject({ fromFile: z.string().min(1) }),
]);
/** A secret is never written in the file itself. */
const Secret = z.union([
  z.strictObject({ fromEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name") }),
  z.strictObject({ fromFile: z.string().min(1) }),
], { error: "write secrets as { fromEnv: NAME } or { fromFile: PATH }, never inline" });

const Url = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });
const Headers = z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name"), Value).optional();
const Name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'");

const SourceSpec = z.discriminatedUnion("type", [
  z.strictObject({ name: Name, type: z.literal("prometheus"), url: Url, headers: Headers }),
  z.strictObject({ name: Name, type: z.literal("alertmanager"), url: Url, headers: Headers }),
  z.strictObject({ name: Name, type: z.literal("http"), url: Url, headers: Headers }),
  z.strictObject({
    name: Name,
    type: z.literal("datadog"),
    site: z.string().regex(/^[a-z0-9.-]+$/, "must be a Datadog site such as datadoghq.com or datadoghq.eu").default("datadoghq.com"),
    /** The API's base URL when it is not the site's (a proxy in front of Datadog). */
    url: Url.optional(),
    apiKey: Secret,
    applicationKey: Secret,
  }),
]);

const SourcesFile = z.strictObject({ sources: z.array(SourceSpec) });

export class SourcesFileError extends Error {
  override readonly name = "SourcesFileError";
}

/**
 * Reads the operator's SOURCES_FILE. Secrets are resolved here, once, and live only inside the
 * adapters; errors name the file and the field, never a secret's value.
 */
export function loadSourcesFile(path: string, env: Record<string, string | undefined>, timeoutMs: number): AnySource[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new SourcesFileError(`SOURCES_FILE ${path}: ${error instanceof Error ? error.message.split("\n")[0] : "unreadable"}`);
  }
  const parsed = SourcesFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SourcesFileError(`SOURCES_FILE ${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const names = new Set<string>();
  return parsed.data.sources.flatMap((spec, index): AnySource[] => {
    const where = `${path}: sources.${index}`;
    if (names.has(spec.name)) throw new SourcesFileError(`SOURCES_FILE ${where}.name: "${spec.name}" is defined twice`);
    names.add(spec.name);
    const read = (value: z.infer<typeof Value>, field: string) => resolveValue(value, env, `${where}.${field}`);
    if (spec.type === "datadog") {
      const keys = { apiKey: read(spec.apiKey, "apiKey"), applicationKey: read(spec.applicationKey, "applicationKey") };
      return [createDatadogSource({ name: spec.name, site: spec.site, ...(spec.url ? { baseUrl: spec.url } : {}), ...keys, timeoutMs })];
    }
    const headers = Object.fromEntries(Object.entries(spec.headers ?? {}).map(([header, value]) => [header, read(value, `headers.${header}`)]));
    const options = { name: spec.name, url: spec.url.replace(/\/+$/, ""), headers, timeoutMs };
    if (spec.type === "prometheus") return [createPrometheusSource(options), createPrometheusAlertsSource(options)];
    if (spec.type === "alertmanager") return [createAlertmanagerSource(options)];
    return [createHttpJsonSource(options)];
  });
}

function resolveValue(value: z.infer<typeof Value>, env: Record<string, string | undefined>, where: string): string {
  if (typeof value === "string") return value;
  if ("fromEnv" in value) {
    const found = env[value.fromEnv];
    if (!found) throw new SourcesFileError(`SOURCES_FILE ${where}: environment variable ${value.fromEnv} is not set`);
    return found;
  }
  try {
    return readFileSync(value.fromFile, "utf8").trim();
  } catch {
    throw new SourcesFileError(`SOURCES_FILE ${where}: cannot read ${value.fromFile}`);
  }
}

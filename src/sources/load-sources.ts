import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { createPrometheusSource } from "./prometheus.js";
import type { MetricSource } from "./types.js";

/** A header value written inline, or read from an environment variable or a file (for secrets). */
const HeaderValue = z.union([
  z.string(),
  z.strictObject({ fromEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name") }),
  z.strictObject({ fromFile: z.string().min(1) }),
]);

const SourceSpec = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'"),
  type: z.enum(["prometheus"]),
  url: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name"), HeaderValue).optional(),
  timeout: z.string().optional(),
});

const SourcesFile = z.strictObject({ sources: z.array(SourceSpec) });

export class SourcesFileError extends Error {
  override readonly name = "SourcesFileError";
}

/**
 * Reads the operator's SOURCES_FILE. Secrets are resolved here, once, and live only inside the
 * adapters; errors name the file and the field, never a secret's value.
 */
export function loadSourcesFile(path: string, env: Record<string, string | undefined>, timeoutMs: number): MetricSource[] {
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
  return parsed.data.sources.map((spec, index) => {
    if (names.has(spec.name)) throw new SourcesFileError(`SOURCES_FILE ${path}: sources.${index}.name: "${spec.name}" is defined twice`);
    names.add(spec.name);
    const headers: Record<string, string> = {};
    for (const [header, value] of Object.entries(spec.headers ?? {})) {
      headers[header] = resolveHeader(value, env, `${path}: sources.${index}.headers.${header}`);
    }
    return createPrometheusSource({ name: spec.name, url: spec.url.replace(/\/+$/, ""), headers, timeoutMs });
  });
}

function resolveHeader(value: z.infer<typeof HeaderValue>, env: Record<string, string | undefined>, where: string): string {
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

import { LineCounter, parseDocument } from "yaml";
import type { ZodError } from "zod";
import type { GateCheck } from "../analysis/check-schema.js";
import { GateDefinition, sourcesOf } from "../analysis/gate.js";
import { capabilitiesOf } from "../analysis/source-capabilities.js";

/** One thing wrong with a gate: where (a dotted path, and a line in a file) and what. */
export interface GateIssue {
  path: string;
  message: string;
  line?: number;
}

export type GateParseResult = { ok: true; gate: GateDefinition } | { ok: false; issues: GateIssue[] };

export function issuesOf(error: ZodError): GateIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.code === "unrecognized_keys" ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}` : issue.message,
  }));
}

export interface KnownSource {
  name: string;
  type: string;
}

/**
 * Validates a gate definition, that every source it names exists on this server, and that each check
 * asks its source only for what that type of source can do.
 */
export function validateGate(raw: unknown, knownSources: readonly KnownSource[]): GateParseResult {
  const parsed = GateDefinition.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const issues: GateIssue[] = [];
  parsed.data.checks.forEach((check, index) => {
    if (check.type === "condition") return;
    const source = knownSources.find((known) => known.name === check.source);
    if (!source) {
      const known = knownSources.length ? knownSources.map((known) => `"${known.name}"`).join(", ") : "none are configured";
      issues.push({ path: `checks.${index}.source`, message: `unknown source "${check.source}" (known: ${known})` });
      return;
    }
    const problem = unsupportedBy(check, source);
    if (problem) issues.push({ path: `checks.${index}.${problem.field}`, message: problem.message });
  });
  return issues.length ? { ok: false, issues } : { ok: true, gate: parsed.data };
}

function unsupportedBy(check: Exclude<GateCheck, { type: "condition" }>, source: KnownSource): { field: string; message: string } | undefined {
  const can = capabilitiesOf(source.type);
  const named = `source "${source.name}" (${source.type})`;
  if (check.type === "metric" && !can.metricKinds.includes(check.kind)) {
    return { field: "kind", message: can.metricKinds.length ? `${named} serves ${can.metricKinds.join(", ")} metrics, not ${check.kind}` : `${named} serves no metrics` };
  }
  if (check.type === "monitor") {
    if (can.monitorFields.length === 0) return { field: "source", message: `${named} has no monitors` };
    const fields = (["alertname", "selector", "query", "monitorIds"] as const).filter((field) => check[field] !== undefined);
    const wrong = fields.find((field) => !can.monitorFields.includes(field));
    if (wrong) return { field: wrong, message: `${named} does not support "${wrong}"; use ${can.monitorFields.join(" or ")}` };
  }
  if (check.type === "http" && !can.http) return { field: "source", message: `${named} is not an http source` };
  return undefined;
}

/**
 * Parses gate YAML and points each issue at its line, so a person can find the bad field.
 * With `knownSources` undefined, source names are not checked (offline validation).
 */
export function parseGateYaml(text: string, knownSources?: readonly KnownSource[]): GateParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({ path: "", message: error.message.split("\n")[0] ?? "invalid YAML", line: error.linePos?.[0]?.line ?? lineCounter.linePos(error.pos[0]).line })),
    };
  }
  const raw: unknown = doc.toJS();
  const result = knownSources ? validateGate(raw, knownSources) : validateGate(raw, sourcesOfRaw(raw));
  if (result.ok) return result;
  return {
    ok: false,
    issues: result.issues.map((issue) => {
      const path = issue.path ? issue.path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)) : [];
      for (let depth = path.length; depth >= 0; depth -= 1) {
        const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return { ...issue, line: lineCounter.linePos(node.range[0]).line };
      }
      return issue;
    }),
  };
}

/** Offline: every source a gate names is taken to exist and to be able to serve what its checks ask. */
function sourcesOfRaw(raw: unknown): KnownSource[] {
  const parsed = GateDefinition.safeParse(raw);
  if (!parsed.success) return [];
  return sourcesOf(parsed.data).map((name) => {
    const check = parsed.data.checks.find((item) => item.type !== "condition" && item.source === name);
    const type = check?.type === "http" ? "http" : check?.type === "monitor" && (check.query || check.monitorIds) ? "datadog" : "prometheus";
    return { name, type };
  });
}

export function formatIssues(issues: GateIssue[]): string {
  return issues.map((issue) => `${issue.line ? `line ${issue.line}: ` : ""}${issue.path || "(gate)"}: ${issue.message}`).join("; ");
}

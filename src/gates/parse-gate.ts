import { LineCounter, parseDocument } from "yaml";
import type { ZodError } from "zod";
import { GateDefinition, sourcesOf } from "../analysis/gate.js";

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

/** Validates a gate definition object and that every source it names exists on this server. */
export function validateGate(raw: unknown, knownSources: readonly string[]): GateParseResult {
  const parsed = GateDefinition.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const issues: GateIssue[] = [];
  parsed.data.checks.forEach((check, index) => {
    if (!knownSources.includes(check.source)) {
      const known = knownSources.length ? knownSources.map((name) => `"${name}"`).join(", ") : "none are configured";
      issues.push({ path: `checks.${index}.source`, message: `unknown source "${check.source}" (known: ${known})` });
    }
  });
  return issues.length ? { ok: false, issues } : { ok: true, gate: parsed.data };
}

/**
 * Parses gate YAML and points each issue at its line, so a person can find the bad field.
 * With `knownSources` undefined, source names are not checked (offline validation).
 */
export function parseGateYaml(text: string, knownSources?: readonly string[]): GateParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({ path: "", message: error.message.split("\n")[0] ?? "invalid YAML", line: error.linePos?.[0]?.line })),
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

function sourcesOfRaw(raw: unknown): string[] {
  const parsed = GateDefinition.safeParse(raw);
  return parsed.success ? sourcesOf(parsed.data) : [];
}

export function formatIssues(issues: GateIssue[]): string {
  return issues.map((issue) => `${issue.line ? `line ${issue.line}: ` : ""}${issue.path || "(gate)"}: ${issue.message}`).join("; ");
}

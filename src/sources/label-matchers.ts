import { SourceError, type MonitorQuery } from "./types.js";

export type MatchOperator = "=" | "!=" | "=~" | "!~";

/** One PromQL-style label matcher, its value unescaped. */
export interface LabelMatcher {
  name: string;
  op: MatchOperator;
  value: string;
  /** The anchored regex of `=~` and `!~`, compiled once. */
  regex?: RegExp;
}

const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const OPERATOR = /=~|!~|!=|=/y;
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', "'": "'", n: "\n", t: "\t", r: "\r" };

/**
 * Parses `service="shop", severity=~"critical|page"` (braces optional, trailing comma allowed) the way
 * PromQL reads a selector's matchers. Anything else is a SourceError "query" that points at the spot.
 */
export function parseSelector(selector: string): LabelMatcher[] {
  let text = selector.trim();
  if (text.startsWith("{") && text.endsWith("}")) text = text.slice(1, -1);
  const matchers: LabelMatcher[] = [];
  let at = skipSpace(text, 0);
  while (at < text.length) {
    NAME.lastIndex = at;
    const name = NAME.exec(text)?.[0];
    if (!name) throw malformed(selector, text, at, "expected a label name");
    at = skipSpace(text, at + name.length);
    OPERATOR.lastIndex = at;
    const op = OPERATOR.exec(text)?.[0] as MatchOperator | undefined;
    if (!op) throw malformed(selector, text, at, `expected =, !=, =~ or !~ after ${name}`);
    at = skipSpace(text, at + op.length);
    const [value, next] = readQuoted(selector, text, at);
    matchers.push(createMatcher(name, op, value));
    at = skipSpace(text, next);
    if (at >= text.length) break;
    if (text[at] !== ",") throw malformed(selector, text, at, "expected a comma between matchers");
    at = skipSpace(text, at + 1);
  }
  return matchers;
}

/** A monitor query's `selector` matchers plus `alertname=~"<alertname>"`; malformed ones are a SourceError "query". */
export function monitorQueryMatchers(query: MonitorQuery): LabelMatcher[] {
  const matchers = query.selector ? parseSelector(query.selector) : [];
  if (query.alertname) matchers.unshift(createMatcher("alertname", "=~", query.alertname));
  return matchers;
}

/** A matcher with its regex compiled; a bad regex is a SourceError "query". */
function createMatcher(name: string, op: MatchOperator, value: string): LabelMatcher {
  const isRegex = op === "=~" || op === "!~";
  return isRegex ? { name, op, value, regex: compileAnchored(value, `${name}${op}`) } : { name, op, value };
}

/** A regex anchored at both ends, as PromQL and Alertmanager apply `=~`; RE2's leading `(?i)` is honoured. */
function compileAnchored(pattern: string, context = "regex"): RegExp {
  const insensitive = pattern.startsWith("(?i)");
  const body = insensitive ? pattern.slice(4) : pattern;
  try {
    return new RegExp(`^(?:${body})$`, insensitive ? "i" : "");
  } catch {
    throw new SourceError("query", `${context}: ${JSON.stringify(pattern)} is not a valid regular expression`);
  }
}

/** Whether a label set satisfies every matcher; a missing label reads as "", as in PromQL. */
export function matchesAll(matchers: LabelMatcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => matchesValue(m, labels[m.name] ?? ""));
}

export function matchesValue(matcher: LabelMatcher, value: string): boolean {
  switch (matcher.op) {
    case "=":
      return value === matcher.value;
    case "!=":
      return value !== matcher.value;
    case "=~":
      return (matcher.regex ?? compileAnchored(matcher.value)).test(value);
    case "!~":
      return !(matcher.regex ?? compileAnchored(matcher.value)).test(value);
  }
}

/** `name op "value"`, escaped so both PromQL and Alertmanager's matcher parser read the same value back. */
export function formatMatcher(matcher: LabelMatcher): string {
  return `${matcher.name}${matcher.op}${quote(matcher.value)}`;
}

/** `{a="1", b="2"}` with labels sorted by name: a stable id and a ready-made selector for one label set. */
export function formatLabelSet(labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${quote(labels[name] ?? "")}`);
  return `{${pairs.join(", ")}}`;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function readQuoted(selector: string, text: string, start: number): [string, number] {
  const open = text[start];
  if (open !== '"' && open !== "'" && open !== "`") throw malformed(selector, text, start, "expected a quoted value");
  let value = "";
  for (let at = start + 1; at < text.length; at++) {
    const char = text[at] as string;
    if (char === open) return [value, at + 1];
    if (char === "\\" && open !== "`") {
      const escaped = ESCAPES[text[at + 1] ?? ""];
      if (escaped === undefined) throw malformed(selector, text, at, "unknown escape sequence (write \\\\ for a backslash)");
      value += escaped;
      at++;
      continue;
    }
    if (char === "\n" && open !== "`") break;
    value += char;
  }
  throw malformed(selector, text, start, "unterminated quoted value");
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && /\s/.test(text[at] as string)) at++;
  return at;
}

function malformed(selector: string, text: string, at: number, reason: string): SourceError {
  const near = text.slice(at, at + 20);
  return new SourceError("query", `malformed selector ${JSON.stringify(selector)}: ${reason}${near ? ` near ${JSON.stringify(near)}` : " at the end"}`);
}

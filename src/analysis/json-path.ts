import { query, type JsonValue } from "jsonpath-rfc9535";
import parse from "jsonpath-rfc9535/parser";

// jsonpath-rfc9535 implements RFC 9535 (the IETF JSONPath standard) and passes the whole JSONPath
// compliance suite. Its filters (`[?(@.name == "x")]`, `[?@.price < 50]`) are a small grammar of their own,
// evaluated by the library without any JavaScript evaluation, so there is no script mode to disable; and
// its parser rejects malformed paths with a position. jsonpath-plus, the other candidate, evaluates filter
// scripts (with a history of sandbox escapes) and silently accepts malformed paths such as `$.a[`.

// The function extensions RFC 9535 defines (section 2.4) and their arity; the library quietly yields
// nothing for an unknown function or a wrong number of arguments.
const FUNCTIONS = new Map([["length", 1], ["count", 1], ["value", 1], ["match", 2], ["search", 2]]);
const MAX_LENGTH = 1000;

/** Checks a JSONPath when a gate is defined, so a typo is reported then and not as "no data" later. */
export function parseJsonPath(text: string): { ok: true } | { ok: false; error: string } {
  if (text.length > MAX_LENGTH) return { ok: false, error: `the JSONPath is longer than ${MAX_LENGTH} characters` };
  let tree: unknown;
  try {
    tree = parse(text);
  } catch (err) {
    return { ok: false, error: describeSyntaxError(err) };
  }
  for (const call of functionCalls(tree)) {
    const arity = FUNCTIONS.get(call.name);
    if (arity === undefined) {
      return { ok: false, error: `unknown JSONPath function ${call.name}(); the functions are ${[...FUNCTIONS.keys()].join(", ")}` };
    }
    if (call.arguments !== arity) {
      return { ok: false, error: `the JSONPath function ${call.name}() takes ${arity} argument${arity > 1 ? "s" : ""}, got ${call.arguments}` };
    }
  }
  return { ok: true };
}

/** Every value the path selects, in document order; an empty array when it selects nothing. Throws on a path parseJsonPath refuses. */
export function selectJsonPath(path: string, json: unknown): unknown[] {
  const checked = parseJsonPath(path);
  if (!checked.ok) throw new Error(`invalid JSONPath ${path}: ${checked.error}`);
  return query(json as JsonValue, path);
}

function describeSyntaxError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const offset = (err as { location?: { start?: { offset?: unknown } } }).location?.start?.offset;
  const where = typeof offset === "number" ? ` at character ${offset}` : "";
  return `${message.replace(/\.$/, "")}${where}`;
}

/** Every function call in the parsed path, found by walking the tree generically. */
function functionCalls(node: unknown): Array<{ name: string; arguments: number }> {
  if (Array.isArray(node)) return node.flatMap(functionCalls);
  if (typeof node !== "object" || node === null) return [];
  const record = node as Record<string, unknown>;
  const own =
    record.type === "FunctionExpr" && typeof record.name === "string" && Array.isArray(record.arguments)
      ? [{ name: record.name, arguments: record.arguments.length }]
      : [];
  return [...own, ...Object.values(record).flatMap(functionCalls)];
}

import jsep from "jsep";
import { FORBIDDEN_NAMES, FUNCTIONS, type BinaryOp, type Expr, type FunctionName } from "./condition-expr.js";

// jsep (the JavaScript expression parser) only parses: it returns an ESTree-like tree and syntax errors
// with a character index, and never evaluates anything, so what may run is decided by toExpr's allow-list
// below. jexl was the other candidate, but it evaluates by itself and its tree is not a public API.
// jsep's operator tables are process-wide; this module is their only user (jsonpath-rfc9535 has its own parser).
jsep.addBinaryOp("and", 2);
jsep.addBinaryOp("or", 1);
jsep.addBinaryOp("in", 7);
jsep.addUnaryOp("not");
// Bit operators and friends are refused by the parser itself, so the error points at the character.
for (const op of ["|", "^", "&", "<<", ">>", ">>>", "??", "**"]) jsep.removeBinaryOp(op);
for (const op of ["~", "+"]) jsep.removeUnaryOp(op);

// Where each expression ends, so "two expressions side by side" can point at the second one.
const expressionEnds = new WeakMap<object, number>();
jsep.hooks.add("after-expression", function recordEnd(env) {
  if (env.node) expressionEnds.set(env.node, this.index);
});

const MAX_LENGTH = 2000;
const MAX_DEPTH = 64;

const BINARY: Record<string, BinaryOp | "and" | "or"> = {
  "==": "==", "===": "==", "!=": "!=", "!==": "!=",
  "<": "<", "<=": "<=", ">": ">", ">=": ">=", in: "in",
  "+": "+", "-": "-", "*": "*", "/": "/", "%": "%",
  and: "and", "&&": "and", or: "or", "||": "or",
};

class ParseError extends Error {}

type ParsedExpr = { ok: true; expr: Expr } | { ok: false; error: string };

export function parseExpr(text: string): ParsedExpr {
  if (text.length > MAX_LENGTH) return { ok: false, error: `the condition is longer than ${MAX_LENGTH} characters` };
  let tree: jsep.Expression;
  try {
    tree = jsep(text);
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, error: `the condition is nested too deeply` };
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: message.charAt(0).toLowerCase() + message.slice(1) };
  }
  try {
    return { ok: true, expr: toExpr(tree, text, 0) };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Turns jsep's tree into an Expr, refusing every node type, operator, name and function not allowed. */
function toExpr(node: jsep.Expression, text: string, depth: number): Expr {
  if (depth > MAX_DEPTH) throw new ParseError(`the condition is nested more than ${MAX_DEPTH} levels deep`);
  const sub = (child: jsep.Expression) => toExpr(child, text, depth + 1);
  const n = node as jsep.CoreExpression;
  switch (n.type) {
    case "Literal":
      if (n.value instanceof RegExp) throw new ParseError(`regular expressions are not supported at character ${locate(text, n.raw)}`);
      return { kind: "literal", value: n.value };
    case "Identifier":
      refuseName(n.name, text);
      return { kind: "variable", name: n.name };
    case "MemberExpression": {
      if (n.optional) throw new ParseError(`?. is not supported at character ${locate(text, "?.")}`);
      const property: Expr = n.computed ? sub(n.property) : { kind: "literal", value: (n.property as jsep.Identifier).name };
      if (property.kind === "literal") {
        if (typeof property.value === "string") refuseName(property.value, text);
        else if (typeof property.value !== "number") throw new ParseError(`a property must be a name or an index at character ${locate(text, "[")}`);
      }
      return { kind: "member", object: sub(n.object), property };
    }
    case "ArrayExpression":
      return {
        kind: "array",
        elements: n.elements.map((element) => {
          if (!element) throw new ParseError(`empty element in a list at character ${locate(text, ",")}`);
          return sub(element);
        }),
      };
    case "UnaryExpression":
      if (n.operator === "-") return { kind: "negate", argument: sub(n.argument) };
      if (n.operator === "!" || n.operator === "not") return { kind: "not", argument: sub(n.argument) };
      throw new ParseError(`unknown operator ${n.operator} at character ${locate(text, n.operator)}`);
    case "BinaryExpression": {
      const op = Object.hasOwn(BINARY, n.operator) ? BINARY[n.operator] : undefined;
      if (!op) throw new ParseError(`unknown operator ${n.operator} at character ${locate(text, n.operator)}`);
      const [left, right] = [sub(n.left), sub(n.right)];
      return op === "and" || op === "or" ? { kind: "logical", op, left, right } : { kind: "binary", op, left, right };
    }
    case "CallExpression":
      return toCall(n, text, sub);
    case "Compound": {
      const [first] = n.body;
      if (!first) throw new ParseError("the condition is empty");
      const at = expressionEnds.get(first) ?? 0;
      throw new ParseError(`unexpected ${JSON.stringify(text[at] ?? "")} at character ${at}: a condition is one expression (join parts with and/or)`);
    }
    case "ConditionalExpression":
      throw new ParseError(`?: is not supported at character ${locate(text, "?")}; use and/or`);
    case "ThisExpression":
      throw new ParseError(`this is not allowed at character ${locate(text, "this")}`);
    case "SequenceExpression":
      throw new ParseError(`unexpected "," at character ${locate(text, ",")}: a condition is one expression`);
    default:
      throw new ParseError(`unsupported syntax (${node.type})`);
  }
}

function toCall(n: jsep.CallExpression, text: string, sub: (child: jsep.Expression) => Expr): Expr {
  const callee = n.callee as jsep.CoreExpression;
  if (callee.type !== "Identifier") {
    throw new ParseError(`method calls are not allowed at character ${locate(text, "(")}; the functions are ${[...FUNCTIONS].join(", ")}`);
  }
  if (!FUNCTIONS.has(callee.name)) {
    throw new ParseError(`unknown function ${callee.name} at character ${locate(text, callee.name)}; the functions are ${[...FUNCTIONS].join(", ")}`);
  }
  const fn = callee.name as FunctionName;
  const wantsOne = fn === "len" || fn === "abs";
  if (wantsOne ? n.arguments.length !== 1 : n.arguments.length === 0) {
    throw new ParseError(`${fn} takes ${wantsOne ? "one argument" : "one or more arguments"}, got ${n.arguments.length} at character ${locate(text, fn)}`);
  }
  return { kind: "call", fn, args: n.arguments.map(sub) };
}

function refuseName(name: string, text: string): void {
  if (FORBIDDEN_NAMES.has(name)) throw new ParseError(`${name} is not allowed at character ${locate(text, name)}`);
}

/** jsep's nodes carry no positions: find the first occurrence of a word outside string literals, else anywhere. */
function locate(text: string, word: string): number {
  const wordy = /^[\w$]+$/.test(word);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (!text.startsWith(word, i)) continue;
    if (!wordy || (!/[\w$]/.test(text[i - 1] ?? "") && !/[\w$]/.test(text[i + word.length] ?? ""))) return i;
  }
  return Math.max(0, text.indexOf(word));
}

import { FORBIDDEN_NAMES, showExpr, type BinaryOp, type Expr } from "./condition-expr.js";

class EvalError extends Error {}

type Evaluated = { ok: true; value: unknown } | { ok: false; error: string };

/** Evaluates a checked Expr over the scope's own properties; type mistakes become errors, never exceptions. */
export function evaluateExpr(expr: Expr, scope: Record<string, unknown>): Evaluated {
  try {
    return { ok: true, value: evaluate(expr, scope) };
  } catch (err) {
    if (err instanceof EvalError) return { ok: false, error: err.message };
    throw err;
  }
}

/** The name of a value's type as messages use it; undefined is a property or element that is not there. */
function typeName(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value;
}

function evaluate(expr: Expr, scope: Record<string, unknown>): unknown {
  switch (expr.kind) {
    case "literal":
      return expr.value;
    case "variable":
      if (!Object.hasOwn(scope, expr.name)) throw new EvalError(`unknown variable ${expr.name}`);
      return scope[expr.name];
    case "member":
      return member(expr, evaluate(expr.object, scope), evaluate(expr.property, scope));
    case "array":
      return expr.elements.map((element) => evaluate(element, scope));
    case "not":
      return !boolean(expr.argument, evaluate(expr.argument, scope), "not applies to the term right after it, so write not (value > 3)");
    case "negate":
      return -number(expr, evaluate(expr.argument, scope));
    case "logical": {
      const left = boolean(expr.left, evaluate(expr.left, scope), `${expr.op} joins true/false values`);
      if (expr.op === "and" ? !left : left) return left;
      return boolean(expr.right, evaluate(expr.right, scope), `${expr.op} joins true/false values`);
    }
    case "binary":
      return binary(expr, expr.op, evaluate(expr.left, scope), evaluate(expr.right, scope));
    case "call": {
      const args = expr.args.map((arg) => evaluate(arg, scope));
      if (expr.fn === "len") return length(expr, args[0]);
      if (expr.fn === "abs") return Math.abs(number(expr, args[0]));
      const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
      if (list.length === 0) throw new EvalError(`\`${showExpr(expr)}\`: ${expr.fn} of an empty list`);
      const numbers = list.map((value) => number(expr, value));
      return expr.fn === "min" ? Math.min(...numbers) : Math.max(...numbers);
    }
  }
}

function member(expr: Expr, object: unknown, key: unknown): unknown {
  if (typeof key === "string" && FORBIDDEN_NAMES.has(key)) throw new EvalError(`\`${showExpr(expr)}\`: ${key} is not allowed`);
  if (Array.isArray(object)) {
    if (typeof key !== "number" || !Number.isInteger(key) || key < 0) {
      throw new EvalError(`\`${showExpr(expr)}\`: a list is indexed by whole numbers from 0 (use len() for its length)`);
    }
    return key < object.length ? object[key] : undefined;
  }
  if (!isRecord(object)) throw new EvalError(`\`${showExpr(expr)}\`: cannot read a property of ${typeName(object)}`);
  if (typeof key !== "string") throw new EvalError(`\`${showExpr(expr)}\`: an object's property is named by a string, got ${typeName(key)}`);
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function binary(expr: Expr, op: BinaryOp, left: unknown, right: unknown): unknown {
  switch (op) {
    case "==":
      return equal(left, right);
    case "!=":
      return !equal(left, right);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const comparable = (typeof left === "number" && typeof right === "number") || (typeof left === "string" && typeof right === "string");
      if (!comparable) {
        throw new EvalError(`\`${showExpr(expr)}\`: ${op} compares two numbers or two strings, got ${typeName(left)} and ${typeName(right)}`);
      }
      const [a, b] = [left as number | string, right as number | string];
      return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
    }
    case "in":
      if (Array.isArray(right)) return right.some((item) => equal(left, item));
      if (typeof right === "string" && typeof left === "string") return right.includes(left);
      if (isRecord(right) && typeof left === "string") return Object.hasOwn(right, left);
      throw new EvalError(`\`${showExpr(expr)}\`: in looks in a list, a string or an object's keys, got ${typeName(left)} in ${typeName(right)}`);
    case "+":
      return number(expr, left) + number(expr, right);
    case "-":
      return number(expr, left) - number(expr, right);
    case "*":
      return number(expr, left) * number(expr, right);
    case "/":
      return number(expr, left) / number(expr, right);
    case "%":
      return number(expr, left) % number(expr, right);
  }
}

/** Structural equality without coercion: 1 == "1" is false; a missing value equals null. */
function equal(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => equal(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]));
  }
  return a === b;
}

function length(expr: Expr, value: unknown): number {
  if (typeof value === "string" || Array.isArray(value)) return value.length;
  if (isRecord(value)) return Object.keys(value).length;
  throw new EvalError(`\`${showExpr(expr)}\`: len takes a string, a list or an object, got ${typeName(value)}`);
}

function number(expr: Expr, value: unknown): number {
  if (typeof value !== "number") throw new EvalError(`\`${showExpr(expr)}\`: expected a number, got ${typeName(value)}`);
  return value;
}

function boolean(expr: Expr, value: unknown, hint: string): boolean {
  if (typeof value !== "boolean") throw new EvalError(`\`${showExpr(expr)}\` is ${typeName(value)}, not true/false: ${hint}`);
  return value;
}

/** Plain data objects only: class instances, maps and functions are not values a condition reads. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

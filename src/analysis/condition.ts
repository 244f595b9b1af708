import { evaluateExpr } from "./condition-evaluate.js";
import { showExpr, type Expr } from "./condition-expr.js";
import { parseExpr } from "./condition-parse.js";

/**
 * A success criterion such as `value <= 0`, `properties.testPassRate >= 0.9` or
 * `value in ["approved", "done"]` (the role of Azure's "Invoke REST API" success criteria). It is parsed
 * once, when the gate is defined, and evaluated over named variables on every evaluation.
 *
 * Grammar: literals (numbers, "strings" or 'strings', true, false, null, [lists]); variables; members
 * `a.b`, `a["b"]`, `a[0]`; `not`/`!`, unary `-`; `* / %`, `+ -`; `< <= > >= in`; `== !=` (strict,
 * structural; `===`/`!==` are the same); `and`/`&&`; `or`/`||`; parentheses; and the functions
 * len, abs, min, max. Nothing else parses: no method calls, no assignment, no `this`, and the names
 * __proto__, constructor and prototype are refused.
 */
export interface Condition {
  readonly text: string;
  readonly expr: Expr;
}

export function parseCondition(text: string): { ok: true; condition: Condition } | { ok: false; error: string } {
  const parsed = parseExpr(text);
  return parsed.ok ? { ok: true, condition: { text, expr: parsed.expr } } : parsed;
}

/** True or false over the scope's own properties; a type mistake or a non-boolean result is an error, not an exception. */
export function evaluateCondition(
  condition: Condition,
  scope: Record<string, unknown>,
): { ok: true; value: boolean } | { ok: false; error: string } {
  const result = evaluateExpr(condition.expr, scope);
  if (!result.ok) return result;
  if (typeof result.value !== "boolean") {
    return { ok: false, error: `the condition \`${showExpr(condition.expr)}\` gives ${describe(result.value)}, not true or false` };
  }
  return { ok: true, value: result.value };
}

/** The top-level variable names the condition reads, sorted, so a gate can refuse names it will not provide. */
export function variablesOf(condition: Condition): string[] {
  const names = new Set<string>();
  const visit = (expr: Expr): void => {
    switch (expr.kind) {
      case "variable":
        names.add(expr.name);
        return;
      case "literal":
        return;
      case "member":
        visit(expr.object);
        visit(expr.property);
        return;
      case "array":
        expr.elements.forEach(visit);
        return;
      case "call":
        expr.args.forEach(visit);
        return;
      case "not":
      case "negate":
        visit(expr.argument);
        return;
      case "logical":
      case "binary":
        visit(expr.left);
        visit(expr.right);
    }
  };
  visit(condition.expr);
  return [...names].sort();
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  return Array.isArray(value) ? "a list" : `a ${typeof value}`;
}

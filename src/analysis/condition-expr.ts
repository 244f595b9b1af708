/** The checked syntax tree of a condition: only these nodes exist, so the evaluator cannot meet anything else. */
export type Expr =
  | { kind: "literal"; value: string | number | boolean | null }
  | { kind: "variable"; name: string }
  | { kind: "member"; object: Expr; property: Expr }
  | { kind: "array"; elements: Expr[] }
  | { kind: "not"; argument: Expr }
  | { kind: "negate"; argument: Expr }
  | { kind: "logical"; op: LogicalOp; left: Expr; right: Expr }
  | { kind: "binary"; op: BinaryOp; left: Expr; right: Expr }
  | { kind: "call"; fn: FunctionName; args: Expr[] };

export type LogicalOp = "and" | "or";
export type BinaryOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "+" | "-" | "*" | "/" | "%";
export type FunctionName = "len" | "abs" | "min" | "max";

export const FUNCTIONS: ReadonlySet<string> = new Set<FunctionName>(["len", "abs", "min", "max"]);

/** Names that lead to an object's prototype in JavaScript; refused everywhere so no lookup can reach one. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** The expression written back as text, for error messages. */
export function showExpr(expr: Expr): string {
  switch (expr.kind) {
    case "literal":
      return JSON.stringify(expr.value);
    case "variable":
      return expr.name;
    case "member": {
      const { property } = expr;
      const dotted = property.kind === "literal" && typeof property.value === "string" && /^[A-Za-z_$][\w$]*$/.test(property.value);
      return dotted ? `${showExpr(expr.object)}.${String(property.value)}` : `${showExpr(expr.object)}[${showExpr(property)}]`;
    }
    case "array":
      return `[${expr.elements.map(showExpr).join(", ")}]`;
    case "not":
      return `not ${showOperand(expr.argument)}`;
    case "negate":
      return `-${showOperand(expr.argument)}`;
    case "logical":
    case "binary":
      return `${showOperand(expr.left)} ${expr.op} ${showOperand(expr.right)}`;
    case "call":
      return `${expr.fn}(${expr.args.map(showExpr).join(", ")})`;
  }
}

function showOperand(expr: Expr): string {
  return expr.kind === "logical" || expr.kind === "binary" ? `(${showExpr(expr)})` : showExpr(expr);
}

// Azure Pipelines' condition expressions as the Invoke REST API gate and check evaluate `successCriteria`
// over the JSON answer bound to `root` (learn.microsoft.com, "Expressions"): the functions eq, ne, gt,
// ge, lt, le, and, or, not, in, notIn, contains, startsWith, endsWith and count, property access with
// root['name'], root.name and root['list'][0], 'single-quoted' strings, numbers, True/False/Null.
// Comparisons convert the right side to the left side's type, and strings compare ordinally ignoring case.

type Value = unknown;

type Node = { kind: "literal"; value: Value } | { kind: "root"; path: Array<string | number> } | { kind: "call"; name: string; args: Node[] };

export function evaluateSuccessCriteria(expression: string, root: unknown): boolean {
  const parser = new Parser(expression);
  const node = parser.expression();
  parser.end();
  return truthy(evaluate(node, root));
}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  expression(): Node {
    this.space();
    const quoted = this.text.slice(this.at).match(/^'((?:[^']|'')*)'/);
    if (quoted) {
      this.at += quoted[0].length;
      return { kind: "literal", value: (quoted[1] ?? "").replace(/''/g, "'") };
    }
    const number = this.text.slice(this.at).match(/^-?\d+(\.\d+)?/);
    if (number) {
      this.at += number[0].length;
      return { kind: "literal", value: Number(number[0]) };
    }
    const name = this.text.slice(this.at).match(/^[A-Za-z_][A-Za-z0-9_]*/)?.[0];
    if (!name) throw new SyntaxError(`unexpected "${this.text.slice(this.at, this.at + 10)}" at ${this.at}`);
    this.at += name.length;
    const keyword = { true: true, false: false, null: null }[name.toLowerCase()];
    if (keyword !== undefined) return { kind: "literal", value: keyword };
    if (name === "root") return { kind: "root", path: this.accessors() };
    this.expect("(");
    const args: Node[] = [];
    this.space();
    if (this.text[this.at] !== ")") {
      for (;;) {
        args.push(this.expression());
        this.space();
        if (this.text[this.at] !== ",") break;
        this.at++;
      }
    }
    this.expect(")");
    return { kind: "call", name: name.toLowerCase(), args };
  }

  end(): void {
    this.space();
    if (this.at !== this.text.length) throw new SyntaxError(`unexpected "${this.text.slice(this.at)}"`);
  }

  private accessors(): Array<string | number> {
    const path: Array<string | number> = [];
    for (;;) {
      if (this.text[this.at] === "[") {
        this.at++;
        const key = this.expression();
        if (key.kind !== "literal" || (typeof key.value !== "string" && typeof key.value !== "number")) throw new SyntaxError("an index must be a string or number");
        path.push(key.value);
        this.expect("]");
      } else if (this.text[this.at] === "." && /[A-Za-z_]/.test(this.text[this.at + 1] ?? "")) {
        this.at++;
        const name = this.text.slice(this.at).match(/^[A-Za-z_][A-Za-z0-9_]*/)?.[0] ?? "";
        this.at += name.length;
        path.push(name);
      } else {
        return path;
      }
    }
  }

  private expect(char: string): void {
    this.space();
    if (this.text[this.at] !== char) throw new SyntaxError(`expected "${char}" at ${this.at}`);
    this.at++;
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }
}

function evaluate(node: Node, root: unknown): Value {
  if (node.kind === "literal") return node.value;
  if (node.kind === "root") {
    let value: unknown = root;
    for (const key of node.path) {
      if (value === null || typeof value !== "object") return null;
      // Property names are case-insensitive in Azure's expressions.
      const match = Array.isArray(value) ? key : Object.keys(value).find((name) => name.toLowerCase() === String(key).toLowerCase());
      value = match === undefined ? null : ((value as Record<string | number, unknown>)[match] ?? null);
    }
    return value;
  }
  const args = node.args.map((arg) => evaluate(arg, root));
  const [a, b] = args;
  switch (node.name) {
    case "eq":
      return equals(a, b);
    case "ne":
      return !equals(a, b);
    case "gt":
      return compare(a, b) > 0;
    case "ge":
      return compare(a, b) >= 0;
    case "lt":
      return compare(a, b) < 0;
    case "le":
      return compare(a, b) <= 0;
    case "and":
      return args.every(truthy);
    case "or":
      return args.some(truthy);
    case "not":
      return !truthy(a);
    case "in":
      return args.slice(1).some((item) => equals(a, item));
    case "notin":
      return !args.slice(1).some((item) => equals(a, item));
    case "contains":
      return toText(a).toLowerCase().includes(toText(b).toLowerCase());
    case "startswith":
      return toText(a).toLowerCase().startsWith(toText(b).toLowerCase());
    case "endswith":
      return toText(a).toLowerCase().endsWith(toText(b).toLowerCase());
    case "count":
      return Array.isArray(a) ? a.length : a && typeof a === "object" ? Object.keys(a).length : 0;
    default:
      throw new SyntaxError(`unknown function ${node.name}()`);
  }
}

function equals(a: Value, b: Value): boolean {
  if (typeof a === "string") return a.toLowerCase() === toText(b).toLowerCase();
  if (typeof a === "number") return a === toNumber(b);
  if (typeof a === "boolean") return a === truthy(b);
  if (a === null) return b === null || b === "";
  return a === b;
}

function compare(a: Value, b: Value): number {
  if (typeof a === "string") return a.toLowerCase().localeCompare(toText(b).toLowerCase());
  return toNumber(a) - toNumber(b);
}

function truthy(value: Value): boolean {
  if (typeof value === "string") return value.length > 0;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  return value !== null && value !== undefined && value !== false;
}

function toText(value: Value): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "True" : "False";
  return typeof value === "object" ? "" : String(value);
}

function toNumber(value: Value): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === null || value === "") return 0;
  return typeof value === "string" ? Number(value) : Number.NaN;
}

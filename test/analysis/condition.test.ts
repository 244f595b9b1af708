import { describe, expect, it } from "vitest";
import { evaluateCondition, parseCondition, variablesOf, type Condition } from "../../src/analysis/condition.js";

function parsed(text: string): Condition {
  const result = parseCondition(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error}`);
  return result.condition;
}

function parseError(text: string): string {
  const result = parseCondition(text);
  if (result.ok) throw new Error(`expected ${text} not to parse`);
  return result.error;
}

function evaluate(text: string, scope: Record<string, unknown>) {
  return evaluateCondition(parsed(text), scope);
}

describe("evaluateCondition", () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ["value <= 0", { value: 0 }, true],
    ["value <= 0", { value: 0.5 }, false],
    ['value == "green"', { value: "green" }, true],
    ["value == 'green'", { value: "red" }, false],
    ["value < 5 and value >= 0", { value: 3 }, true],
    ["value < 5 and value >= 0", { value: -1 }, false],
    ["value < 0 or value > 10", { value: 11 }, true],
    ["value < 0 || value > 10", { value: 5 }, false],
    ["value > 0 && value < 2", { value: 1 }, true],
    ["properties.testPassRate >= 0.9", { properties: { testPassRate: 0.95 } }, true],
    ["checks.p99.relativeChange < 0.05", { checks: { p99: { relativeChange: 0.07 } } }, false],
    ['checks["p99"].relativeChange < 0.05', { checks: { p99: { relativeChange: 0.01 } } }, true],
    ['value in ["approved", "done"]', { value: "done" }, true],
    ['value in ["approved", "done"]', { value: "open" }, false],
    ['"p99" in checks', { checks: { p99: {} } }, true],
    ['"ok" in value', { value: "all ok" }, true],
    ["not (value > 3)", { value: 1 }, true],
    ["!(value > 3)", { value: 4 }, false],
    ["len(value) == 0", { value: [] }, true],
    ["len(value) == 3", { value: "abc" }, true],
    ["len(value) == 2", { value: { a: 1, b: 2 } }, true],
    ["abs(value) < 1 and min(value, 2) == value and max(items) == 9", { value: -0.5, items: [1, 9, 3] }, true],
    ["items[1] == 9 and items[5] == null", { items: [1, 9] }, true],
    ["value * 100 / total >= 99.5", { value: 996, total: 1000 }, true],
    ["value % 2 == 1 and -value == -3 and value - 1 + 1 == 3", { value: 3 }, true],
    ["value == [1, 2] and other == [1]", { value: [1, 2], other: [1, 2] }, false],
    ["value == [1, 2]", { value: [1, 2] }, true],
    ["props == null", { props: null }, true],
    ["props.missing == null", { props: {} }, true],
    ['value == "1"', { value: 1 }, false],
    ["value === 1 and value !== 2", { value: 1 }, true],
    ['value >= "b"', { value: "c" }, true],
    ["value == true", { value: true }, true],
    ["value", { value: false }, false],
    ["nothing == 1 and index in [1] and order == android and notes", { nothing: 1, index: 1, order: 2, android: 2, notes: true }, true],
  ])("%s over %j is %s", (text, scope, expected) => {
    expect(evaluate(text, scope)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["value < 5", { value: "abc" }, /`value < 5`: < compares two numbers or two strings, got string and number/],
    ["properties.testPassRate >= 0.9", { properties: {} }, /got missing and number/],
    ["value and true", { value: 1 }, /`value` is number, not true\/false/],
    ["not value > 3", { value: 5 }, /write not \(value > 3\)/],
    ["0 < value < 5", { value: 3 }, /got boolean and number/],
    ["value + 1", { value: 1 }, /gives a number, not true or false/],
    ["value.name == 1", { value: "text" }, /cannot read a property of string/],
    ["value.length > 0", { value: [1] }, /use len\(\) for its length/],
    ["len(value) > 0", { value: 3 }, /len takes a string, a list or an object, got number/],
    ["abs(value) > 0", { value: "3" }, /expected a number, got string/],
    ["max(value) > 0", { value: [] }, /max of an empty list/],
    ["1 in value", { value: 7 }, /in looks in a list, a string or an object's keys/],
    ["unknown > 1", { value: 1 }, /unknown variable unknown/],
  ])("%s over %j is an error", (text, scope, message) => {
    const result = evaluate(text, scope);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });

  it("short-circuits and/or, so a guard protects the test after it", () => {
    expect(evaluate('"rate" in props and props.rate > 0.5', { props: {} })).toEqual({ ok: true, value: false });
    expect(evaluate("value == null or value > 1", { value: null })).toEqual({ ok: true, value: true });
  });

  it("never reads inherited properties, whatever the key's spelling at run time", () => {
    const scope = { value: {}, key: "constructor", list: [1] };
    expect(evaluate("value[key] == null", scope)).toMatchObject({ ok: false, error: expect.stringMatching(/constructor is not allowed/) });
    expect(evaluate('value["toString"] == null', scope)).toEqual({ ok: true, value: true });
    expect(evaluate("variables == null", { value: 1 })).toMatchObject({ ok: false, error: "unknown variable variables" });
    expect(evaluate("toString == null", {})).toMatchObject({ ok: false, error: "unknown variable toString" });
    class Secretive {
      readonly token = "x";
    }
    expect(evaluate('value.token == "x"', { value: new Secretive() })).toMatchObject({ ok: false, error: expect.stringMatching(/cannot read a property of object/) });
  });
});

describe("parseCondition", () => {
  it.each<[string, string]>([
    ["value >", "expected expression after > at character 7"],
    ["value = 3", 'unexpected "=" at character 6'],
    ["value <= 0 value", 'unexpected "v" at character 11'],
    ["value > 1, value < 3", 'unexpected "," at character 9'],
    ["value | 1", 'unexpected "|" at character 6'],
    ['value == "open', "unclosed quote after"],
    ["(value > 1", "unclosed ( at character 10"],
    ["", "the condition is empty"],
    ["[1,,2] == value", "empty element in a list at character 2"],
    ["value ? 1 : 2", "?: is not supported at character 6"],
    ["this.x == 1", "this is not allowed at character 0"],
  ])("refuses %j: %s", (text, message) => {
    expect(parseError(text)).toContain(message);
  });

  it.each<[string, string]>([
    ["value.__proto__ == null", "__proto__ is not allowed at character 6"],
    ['value["__proto__"] == null', "__proto__ is not allowed at character 7"],
    ["value.constructor.name == 1", "constructor is not allowed at character 6"],
    ["constructor == 1", "constructor is not allowed at character 0"],
    ["value.prototype == 1", "prototype is not allowed at character 6"],
  ])("refuses the prototype path %j", (text, message) => {
    expect(parseError(text)).toBe(message);
  });

  it.each<[string, string]>([
    ["eval(value) == 1", "unknown function eval at character 0; the functions are len, abs, min, max"],
    ["value > 1 and process(1)", "unknown function process at character 14"],
    ['value.includes("x")', "method calls are not allowed at character 14"],
    ["len(a, b) == 1", "len takes one argument, got 2 at character 0"],
    ["max() == 1", "max takes one or more arguments, got 0 at character 0"],
  ])("refuses the call %j", (text, message) => {
    expect(parseError(text)).toContain(message);
  });

  it("refuses very long and very deeply nested text instead of overflowing", () => {
    expect(parseError(`value == "${"x".repeat(3000)}"`)).toMatch(/longer than 2000 characters/);
    expect(parseError(`value in ${"[".repeat(100)}1${"]".repeat(100)}`)).toMatch(/nested more than 64 levels/);
    expect(parsed(`${"(".repeat(900)}value${")".repeat(900)} > 1`).text).toHaveLength(1809);
  });

  it("keeps the text it was given", () => {
    expect(parsed("value  <= 0").text).toBe("value  <= 0");
  });
});

describe("variablesOf", () => {
  it("lists the top-level names, sorted, without functions or property names", () => {
    expect(variablesOf(parsed("len(items) > 0 and checks.p99.change < limit and value in [a, 'b'] and props[key] == 1"))).toEqual([
      "a",
      "checks",
      "items",
      "key",
      "limit",
      "props",
      "value",
    ]);
    expect(variablesOf(parsed("1 < 2"))).toEqual([]);
    expect(variablesOf(parsed("value > 1 or value < -1"))).toEqual(["value"]);
  });
});

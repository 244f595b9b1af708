import { describe, expect, it } from "vitest";
import { parseJsonPath, selectJsonPath } from "../../src/analysis/json-path.js";

const answer = {
  status: "successful",
  items: [{ count: 3, name: "a" }, { count: 5, name: "b" }, { name: "c" }],
  data: [
    { name: "x", value: 1.5 },
    { name: "y", value: 2.5 },
  ],
  Items: [{ price: 10 }, { price: 60 }, { price: 49.99 }],
  nested: { deep: { count: 7 } },
};

describe("selectJsonPath", () => {
  it.each<[string, unknown[]]>([
    ["$.status", ["successful"]],
    ["$['status']", ["successful"]],
    ["$.items[*].count", [3, 5]],
    ['$.data[?(@.name=="x")].value', [1.5]],
    ["$.data[?@.name == 'y'].value", [2.5]],
    ["$.Items[?(@.price<50)].price", [10, 49.99]],
    ["$.items[?(@.count > 4 || @.name == 'c')].name", ["b", "c"]],
    ["$.items[?!@.count].name", ["c"]],
    ["$.items[-1].name", ["c"]],
    ["$.items[0:2].name", ["a", "b"]],
    ["$..count", [3, 5, 7]],
    ["$.items[?length(@.name) == 1].count", [3, 5]],
    ["$.items[?match(@.name, '[ab]')].name", ["a", "b"]],
    ["$", [answer]],
  ])("%s selects %j", (path, expected) => {
    expect(parseJsonPath(path)).toEqual({ ok: true });
    expect(selectJsonPath(path, answer)).toEqual(expected);
  });

  it.each(["$.missing", "$.items[9]", "$.data[?(@.name=='z')].value", "$.status.length", "$.items.length", "$.constructor", "$.__proto__", "$.toString"])(
    "%s selects nothing, prototypes included",
    (path) => {
      expect(selectJsonPath(path, answer)).toEqual([]);
    },
  );

  it("throws on a path parseJsonPath refuses", () => {
    expect(() => selectJsonPath("$.items[", answer)).toThrowError(/invalid JSONPath \$\.items\[/);
  });
});

describe("parseJsonPath", () => {
  it.each<[string, RegExp]>([
    ["status", /Expected "\$" but "s" found at character 0/],
    ["$.items[", /end of input found at character 8/],
    ["$.items[0", /end of input found at character 9/],
    ["$.a b", /"b" found at character 4/],
    ["$$", /at character 1/],
    ["", /at character 0/],
    ["$[?foo(@)]", /unknown JSONPath function foo\(\); the functions are length, count, value, match, search/],
    ["$[?match(@.name)]", /match\(\) takes 2 arguments, got 1/],
    [`$.${"a".repeat(1000)}`, /longer than 1000 characters/],
  ])("refuses %j", (path, message) => {
    const result = parseJsonPath(path);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });

  it("has no script expressions to run", () => {
    // jsonpath-plus style script selectors are not JSONPath (RFC 9535): they are syntax errors, not code.
    for (const path of ["$[(@.length-1)]", "$[?(@.constructor.constructor('return process')())]", "$[?(process.exit())]"]) {
      expect(parseJsonPath(path).ok).toBe(false);
    }
  });
});

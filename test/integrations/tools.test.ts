import { describe, expect, it } from "vitest";
import { assessMetric, measure, toRfc9535, type ArgoMetric } from "./tools/argo.js";
import { evaluateSuccessCriteria } from "./tools/azure.js";
import type { Send } from "./tools/http.js";
import { shellWords } from "./tools/shell.js";

// The contract tests under test/http/integrations trust these re-implementations of the tools' rules;
// here they are checked against the cases the tools' documentation and sources spell out.

describe("Azure success criteria", () => {
  const root = { verdict: "continue", final: true, score: 97, checks: [{ name: "a" }, { name: "b" }], reason: null };
  it.each([
    ["eq(root['verdict'], 'continue')", true],
    ["eq(root['verdict'], 'CONTINUE')", true], // strings compare ignoring case
    ["eq(root['verdict'], 'halt')", false],
    ["eq(root['Verdict'], 'continue')", true], // and so do property names
    ["eq(root.verdict, 'continue')", true],
    ["and(eq(root['verdict'], 'continue'), eq(root['final'], true))", true],
    ["or(eq(root['verdict'], 'halt'), ge(root['score'], 90))", true],
    ["ge(count(root['checks']), 3)", false],
    ["eq(root['checks'][1]['name'], 'b')", true],
    ["eq(root['missing'], 'continue')", false],
    ["not(eq(root['verdict'], 'pending'))", true],
    ["in(root['verdict'], 'continue', 'pending')", true],
  ])("%s is %s", (expression, expected) => {
    expect(evaluateSuccessCriteria(expression, root)).toBe(expected);
  });

  it("refuses what Azure would refuse", () => {
    expect(() => evaluateSuccessCriteria("root['verdict'] == 'continue'", root)).toThrow(SyntaxError);
    expect(() => evaluateSuccessCriteria("equals(root['verdict'], 'continue')", root)).toThrow(/unknown function/);
  });
});

describe("Argo web metric", () => {
  const answering = (status: number, body: string): Send => async () => ({ status, headers: new Headers(), body });
  const metric = (extra: Partial<ArgoMetric> = {}): ArgoMetric => ({
    name: "m",
    successCondition: 'result == "continue"',
    failureCondition: 'result == "halt"',
    provider: { web: { url: "http://x/v1/x", jsonPath: "{$.verdict}" } },
    ...extra,
  });

  it("converts Kubernetes JSONPath to RFC 9535", () => {
    expect(toRfc9535("{$.verdict}")).toBe("$.verdict");
    expect(toRfc9535("{.verdict}")).toBe("$.verdict");
    expect(toRfc9535("{$}")).toBe("$");
    expect(toRfc9535("{$.checks[0].name}")).toBe("$.checks[0].name");
  });

  it("judges one measurement by evaluate.go's table", async () => {
    expect(await measure(metric(), answering(200, '{"verdict":"continue"}'))).toMatchObject({ phase: "Successful", value: '"continue"' });
    expect(await measure(metric(), answering(200, '{"verdict":"halt"}'))).toMatchObject({ phase: "Failed" });
    expect(await measure(metric(), answering(200, '{"verdict":"pending"}'))).toMatchObject({ phase: "Inconclusive" });
    expect(await measure(metric({ failureCondition: undefined }), answering(200, '{"verdict":"pending"}'))).toMatchObject({ phase: "Failed" });
    expect(await measure(metric({ successCondition: undefined }), answering(200, '{"verdict":"pending"}'))).toMatchObject({ phase: "Successful" });
    expect(await measure(metric({ successCondition: undefined, failureCondition: undefined }), answering(200, '{"verdict":"halt"}'))).toMatchObject({ phase: "Successful" });
    expect(await measure(metric({ successCondition: 'result == "continue" and result == "halt" or true' }), answering(200, '{"verdict":"halt"}'))).toMatchObject({ phase: "Failed" });
  });

  it("errors on a non-2xx answer, a missing key and a condition that is not boolean", async () => {
    expect(await measure(metric(), answering(409, '{"verdict":"halt"}'))).toMatchObject({ phase: "Error" });
    expect(await measure(metric(), answering(500, "{}"))).toMatchObject({ phase: "Error" });
    expect(await measure(metric(), answering(200, '{"state":"continue"}'))).toMatchObject({ phase: "Error", message: expect.stringContaining("Could not find JSONPath") });
    expect(await measure(metric({ successCondition: "result" }), answering(200, '{"verdict":"continue"}'))).toMatchObject({ phase: "Error" });
  });

  it("assesses the metric by its limits (analysis.go)", () => {
    const m = metric({ count: 5, failureLimit: 0, inconclusiveLimit: 3, consecutiveSuccessLimit: 1, interval: "30s" });
    expect(assessMetric(m, [])).toBe("Pending");
    expect(assessMetric(m, ["Inconclusive", "Inconclusive"])).toBe("Running");
    expect(assessMetric(m, ["Inconclusive", "Successful"])).toBe("Successful");
    expect(assessMetric(m, ["Inconclusive", "Failed"])).toBe("Failed");
    expect(assessMetric(m, ["Inconclusive", "Inconclusive", "Inconclusive", "Inconclusive"])).toBe("Inconclusive");
    expect(assessMetric(m, ["Error", "Error", "Error", "Error"])).toBe("Running");
    expect(assessMetric(m, ["Error", "Error", "Error", "Error", "Error"])).toBe("Error");
    expect(assessMetric(metric({ count: 2, interval: "30s" }), ["Successful", "Successful"])).toBe("Successful");
  });
});

describe("shell words", () => {
  const env = { SERVICE: "checkout", SPACED: "a b", EMPTY: "" };
  it.each([
    ['canary-gate wait --service "$SERVICE" --env prod', ["canary-gate", "wait", "--service", "checkout", "--env", "prod"]],
    ["docker run \\\n  -e TOKEN img \\\n  cmd", ["docker", "run", "-e", "TOKEN", "img", "cmd"]],
    ["echo '$SERVICE' \"${SERVICE}-1\" $SERVICE", ["echo", "$SERVICE", "checkout-1", "checkout"]],
    ['echo "$SPACED" "" $EMPTY x', ["echo", "a b", "", "x"]],
    ['echo "a \\"b\\" \\$c" d\\ e # a comment', ["echo", 'a "b" $c', "d e"]],
    ["a>b", undefined],
  ])("%j", (command, expected) => {
    if (expected) expect(shellWords(command, env)).toEqual(expected);
    else expect(() => shellWords(command, env)).toThrow(/not a simple command/);
  });

  it("refuses what would go wrong quietly in a CI script", () => {
    expect(() => shellWords('echo "$UNSET"', env)).toThrow("$UNSET is not set");
    expect(() => shellWords("echo $SPACED", env)).toThrow(/would split/);
    expect(() => shellWords('echo "$(date)"', env)).toThrow(/unsupported expansion/);
    expect(() => shellWords("echo 'open", env)).toThrow(/unterminated/);
  });
});

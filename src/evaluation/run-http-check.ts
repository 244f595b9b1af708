import type { CheckResult } from "../analysis/check-result.js";
import type { HttpCheck } from "../analysis/check-schema.js";
import { evaluateCondition, parseCondition } from "../analysis/condition.js";
import { selectJsonPath } from "../analysis/json-path.js";
import { renderTemplate, type TemplateContext } from "../analysis/template.js";
import { SourceError, type HttpJsonSource } from "../sources/types.js";
import type { Meters } from "../telemetry/meters.js";
import { traceSourceFetch } from "../telemetry/trace-source.js";
import { emptyDetails } from "./empty-details.js";

export interface RunHttpCheckInput {
  check: HttpCheck;
  source: HttpJsonSource | undefined;
  context: TemplateContext;
  /** Aborts the request when the evaluation's source timeout passes. */
  signal: AbortSignal;
  meters: Meters;
}

/**
 * Azure's "Invoke REST API" gate: call the source's endpoint, pick values with JSONPath and judge the
 * condition; true passes, false fails, no match is `nodata`. Never throws.
 */
export async function runHttpCheck(input: RunHttpCheckInput): Promise<CheckResult> {
  const { check, source } = input;
  const base = { name: check.name, critical: check.critical, weight: check.weight };
  const details = emptyDetails("http", check.source, "http");
  const fail = (kind: string, message: string): CheckResult => ({ ...base, result: "error", summary: `Error: ${message}`, details: { ...details, error: { kind, message } } });
  if (!source) return fail("unknown-source", `source "${check.source}" is not an http source on this server`);
  const path = renderTemplate(check.path, input.context);
  try {
    const body = await traceSourceFetch(input.meters, source, "request", () => source.request(path, { method: check.method, body: check.body }, input.signal));
    const values = selectJsonPath(check.jsonPath, body);
    const http = { url: path, values: values.slice(0, 20), condition: check.condition };
    if (values.length === 0) {
      return { ...base, result: "nodata", summary: `No data for ${check.name}: ${check.jsonPath} matched nothing in the answer of ${path}.`, details: { ...details, http } };
    }
    const parsed = parseCondition(check.condition);
    if (!parsed.ok) return fail("condition", `condition ${check.condition}: ${parsed.error}`);
    const scope = { ...input.context, value: values[0], values, count: values.length };
    const outcome = evaluateCondition(parsed.condition, scope);
    if (!outcome.ok) return { ...fail("condition", `${check.name}: ${outcome.error} (value ${JSON.stringify(values[0])})`), details: { ...details, http, error: { kind: "condition", message: outcome.error } } };
    const shown = JSON.stringify(values.length === 1 ? values[0] : values.slice(0, 5));
    return {
      ...base,
      result: outcome.value ? "pass" : "fail",
      summary: `${check.name}: ${check.jsonPath} is ${shown}, so \`${check.condition}\` is ${outcome.value}.`,
      details: { ...details, http },
    };
  } catch (caught) {
    const message = caught instanceof SourceError ? `${check.source}: ${caught.message}` : `the endpoint could not be read: ${caught instanceof Error ? caught.message : String(caught)}`;
    return fail(caught instanceof SourceError ? caught.kind : "internal", message);
  }
}

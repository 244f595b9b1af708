import { query, type JsonValue } from "jsonpath-rfc9535";
import { evaluateCondition, parseCondition } from "../../../src/analysis/condition.js";
import type { Send } from "./http.js";

// Argo Rollouts' web metric provider and metric assessment, as research/argo-flagger.md §1.3-1.4 and §2
// read them from metricproviders/webmetric/webmetric.go, utils/evaluate/evaluate.go and analysis/analysis.go.

export type MeasurementPhase = "Successful" | "Failed" | "Inconclusive" | "Error";
export type MetricPhase = "Pending" | "Running" | MeasurementPhase;

export interface WebProvider {
  url: string;
  method?: "GET" | "POST" | "PUT";
  headers?: Array<{ key: string; value: string }>;
  body?: string;
  jsonBody?: unknown;
  jsonPath?: string;
  timeoutSeconds?: number;
}

export interface ArgoMetric {
  name: string;
  interval?: string;
  count?: number;
  successCondition?: string;
  failureCondition?: string;
  failureLimit?: number;
  inconclusiveLimit?: number;
  consecutiveErrorLimit?: number;
  consecutiveSuccessLimit?: number;
  provider: { web: WebProvider };
}

export interface Measurement {
  phase: MeasurementPhase;
  value?: string;
  message?: string;
}

/** Resolves `{{args.NAME}}` in every string of the metric, as Argo does when it creates the AnalysisRun. */
export function resolveArgs<T>(value: T, args: Record<string, string>): T {
  if (typeof value === "string") {
    return value.replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_, name: string) => {
      if (args[name] === undefined) throw new Error(`args.${name} was not supplied: the AnalysisRun would be Error`);
      return args[name];
    }) as T;
  }
  if (Array.isArray(value)) return value.map((item) => resolveArgs(item, args)) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveArgs(item, args)])) as T;
  return value;
}

/** Kubernetes JSONPath as Argo writes it (`{$.verdict}`, `{.verdict}`) to RFC 9535 (`$.verdict`), for single expressions. */
export function toRfc9535(path: string): string {
  const inner = path.trim().replace(/^\{(.*)\}$/s, "$1").trim();
  if (inner === "$" || inner === "") return "$";
  return inner.startsWith("$") ? inner : `$${inner.startsWith(".") || inner.startsWith("[") ? "" : "."}${inner}`;
}

/** One measurement: the HTTP call, the status rule, JSONPath and the two conditions. */
export async function measure(metric: ArgoMetric, send: Send): Promise<Measurement> {
  const web = metric.provider.web;
  const method = web.method ?? "GET";
  if (web.body !== undefined && web.jsonBody !== undefined) return { phase: "Error", message: "use either body or jsonBody" };
  if (method === "GET" && (web.body !== undefined || web.jsonBody !== undefined)) return { phase: "Error", message: "body can only be used with POST or PUT" };
  const headers: Record<string, string> = {};
  for (const header of web.headers ?? []) headers[header.key.toLowerCase()] = header.value;
  let body = web.body;
  if (web.jsonBody !== undefined) {
    body = JSON.stringify(web.jsonBody);
    headers["content-type"] = "application/json";
  }
  let answer;
  try {
    answer = await send({ method, url: web.url, headers, ...(body === undefined ? {} : { body }) });
  } catch (error) {
    return { phase: "Error", message: String(error) };
  }
  if (answer.status < 200 || answer.status > 299) return { phase: "Error", message: `received non 2xx response code: ${answer.status}` };
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    // Released versions up to v1.9.1 call a non-JSON body Successful without evaluating the conditions.
    return { phase: "Successful", value: answer.body };
  }
  const found = query(json as JsonValue, toRfc9535(web.jsonPath ?? "{$}"));
  if (found.length === 0) return { phase: "Error", message: `Could not find JSONPath ${web.jsonPath} in body` };
  const result = found[0];
  const value = JSON.stringify(result);
  const outcome = judge(metric, result);
  return "error" in outcome ? { phase: "Error", value, message: outcome.error } : { phase: outcome.phase, value };
}

/** evaluate.go's table; the expressions the examples use are the same in expr and in the project's condition language. */
function judge(metric: ArgoMetric, result: unknown): { phase: MeasurementPhase } | { error: string } {
  const test = (text: string | undefined): boolean | { error: string } | undefined => {
    if (!text) return undefined;
    const parsed = parseCondition(text);
    if (!parsed.ok) return { error: parsed.error };
    const evaluated = evaluateCondition(parsed.condition, { result });
    return evaluated.ok ? evaluated.value : { error: evaluated.error };
  };
  const success = test(metric.successCondition);
  const failure = test(metric.failureCondition);
  if (typeof success === "object") return success;
  if (typeof failure === "object") return failure;
  if (success === undefined && failure === undefined) return { phase: "Successful" };
  if (failure === undefined) return { phase: success ? "Successful" : "Failed" };
  if (success === undefined) return { phase: failure ? "Failed" : "Successful" };
  if (failure) return { phase: "Failed" };
  return { phase: success ? "Successful" : "Inconclusive" };
}

/** assessMetricStatus: the metric's phase after these measurements (oldest first). */
export function assessMetric(metric: ArgoMetric, measurements: MeasurementPhase[]): MetricPhase {
  if (measurements.length === 0) return "Pending";
  const count = (phase: MeasurementPhase) => measurements.filter((m) => m === phase).length;
  const trailing = (phase: MeasurementPhase) => {
    let n = 0;
    for (let i = measurements.length - 1; i >= 0 && measurements[i] === phase; i--) n++;
    return n;
  };
  const failureLimit = metric.failureLimit ?? 0;
  const successLimit = metric.consecutiveSuccessLimit ?? 0;
  let phase: MetricPhase | undefined;
  if (failureLimit >= 0 && count("Failed") > failureLimit) phase = "Failed";
  if (count("Inconclusive") > (metric.inconclusiveLimit ?? 0)) phase = "Inconclusive";
  if (trailing("Error") > (metric.consecutiveErrorLimit ?? 4)) phase = "Error";
  if (phase) return phase;
  if (successLimit > 0 && trailing("Successful") >= successLimit) return "Successful";
  const effectiveCount = metric.count ?? (metric.interval ? 0 : 1);
  const counted = measurements.length - count("Error");
  if (effectiveCount > 0 && counted >= effectiveCount) {
    if (failureLimit >= 0 && successLimit > 0) return "Inconclusive";
    if (successLimit > 0) return "Failed";
    return "Successful";
  }
  return "Running";
}

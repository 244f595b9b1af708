import { query, type JsonValue } from "jsonpath-rfc9535";
import type { Send } from "./http.js";

// Spinnaker's Webhook stage (Orca: CreateWebhookTask with WebhookResponseProcessor, then MonitorWebhookTask),
// for the fields the example uses. JsonPath is Jayway's there; `$.name` paths read the same in RFC 9535.

export type StageStatus = "SUCCEEDED" | "TERMINAL" | "CANCELED" | "RUNNING";

export interface WebhookStage {
  url: string;
  method: string;
  customHeaders?: Record<string, string>;
  payload?: unknown;
  waitForCompletion: boolean;
  statusUrlResolution: "getMethod" | "locationHeader" | "webhookResponse";
  statusUrlJsonPath?: string;
  statusJsonPath: string;
  progressJsonPath?: string;
  successStatuses: string;
  terminalStatuses?: string;
  canceledStatuses?: string;
}

const RETRIED = (status: number) => status >= 500 || status === 429;

/** HTTP header names are case-insensitive: the stage's own Content-Type replaces the default one. */
const headersOf = (stage: WebhookStage) =>
  Object.fromEntries(Object.entries({ "content-type": "application/json", ...stage.customHeaders }).map(([name, value]) => [name.toLowerCase(), value]));

/** The first call: RUNNING (retry) on 5xx/429, TERMINAL on another non-2xx, else the status URL to monitor. */
export async function createWebhook(stage: WebhookStage, send: Send): Promise<{ status: StageStatus; statusUrl?: string; error?: string }> {
  const answer = await send({
    method: stage.method,
    url: stage.url,
    headers: headersOf(stage),
    ...(stage.payload === undefined ? {} : { body: JSON.stringify(stage.payload) }),
  });
  if (answer.status >= 400) return { status: RETRIED(answer.status) ? "RUNNING" : "TERMINAL", error: `status code ${answer.status}` };
  if (!stage.waitForCompletion) return { status: "SUCCEEDED" };
  if (stage.statusUrlResolution === "getMethod") return { status: "SUCCEEDED", statusUrl: stage.url };
  if (stage.statusUrlResolution === "locationHeader") {
    const location = answer.headers.get("location");
    return location ? { status: "SUCCEEDED", statusUrl: location } : { status: "TERMINAL", error: "no Location header" };
  }
  const [statusUrl] = query(JSON.parse(answer.body) as JsonValue, stage.statusUrlJsonPath ?? "$");
  return typeof statusUrl === "string" && statusUrl ? { status: "SUCCEEDED", statusUrl } : { status: "TERMINAL", error: "The status URL couldn't be resolved" };
}

/** One monitoring poll of the status URL. */
export async function monitorWebhook(stage: WebhookStage, statusUrl: string, send: Send): Promise<{ status: StageStatus; progress?: string; error?: string }> {
  const answer = await send({ method: "GET", url: statusUrl, headers: headersOf(stage) });
  if (answer.status >= 400) return { status: RETRIED(answer.status) ? "RUNNING" : "TERMINAL", error: `status code ${answer.status}` };
  const body = JSON.parse(answer.body) as JsonValue;
  const [result] = query(body, stage.statusJsonPath);
  if (result === undefined) return { status: "TERMINAL", error: `JSON property '${stage.statusJsonPath}' not found in response body` };
  if (typeof result !== "string" && typeof result !== "number" && typeof result !== "boolean") return { status: "TERMINAL", error: "did not resolve to a single value" };
  const progress = stage.progressJsonPath ? query(body, stage.progressJsonPath)[0] : undefined;
  const withProgress = typeof progress === "string" ? { progress } : {};
  if (typeof result === "number") return { status: result === 100 ? "SUCCEEDED" : "RUNNING", ...withProgress };
  const statuses = new Map<string, StageStatus>();
  const add = (list: string | undefined, status: StageStatus) => list?.split(",").forEach((item) => item.trim() && statuses.set(item.trim().toUpperCase(), status));
  add(stage.successStatuses, "SUCCEEDED");
  add(stage.canceledStatuses, "CANCELED");
  add(stage.terminalStatuses, "TERMINAL");
  return { status: statuses.get(String(result).toUpperCase()) ?? "RUNNING", ...withProgress };
}

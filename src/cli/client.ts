import type { RolloutSchema, VerdictSchema } from "../http/routes/rollouts/schemas.js";
import { CliError } from "./errors.js";

// Type-only: the CLI shares the server's wire types without loading its code.
export type Verdict = VerdictSchema;
export type Rollout = RolloutSchema;

export interface ClientOptions {
  url: string;
  token?: string | undefined;
  /** Time limit of one request. */
  requestTimeoutMs?: number;
}

/** An answer the server gave but the CLI cannot use; `isTransient` when asking again may help. */
export class RequestFailed extends CliError {
  constructor(
    message: string,
    readonly isTransient: boolean,
  ) {
    super(message);
  }
}

/** Calls the Canary Gate API with the token as a bearer header; problem+json answers become readable errors. */
export function createClient(options: ClientOptions) {
  const base = options.url.replace(/\/+$/, "");
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await exchange<T>(method, path, body)).body;
  }
  async function exchange<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": "canary-gate-cli" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new RequestFailed(`cannot reach Canary Gate at ${base}: ${describeFetchError(error)}`, true);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (response.ok) {
      if (parsed === undefined) throw new RequestFailed(`${method} ${path}: the answer is not JSON (is ${base} a Canary Gate?)`, false);
      return { status: response.status, body: parsed as T };
    }
    const transient = response.status >= 500 || response.status === 429 || response.status === 408;
    throw new RequestFailed(`${method} ${path}: ${describeProblem(response.status, parsed, text)}`, transient);
  }
  return {
    url: base,
    async startRollout(body: Record<string, unknown>): Promise<{ rollout: Rollout; created: boolean }> {
      const answer = await exchange<Rollout>("POST", "/v1/rollouts", body);
      return { rollout: answer.body, created: answer.status === 201 };
    },
    startOrGetVerdict: (gate: string, body: Record<string, unknown>) => request<Verdict>("POST", `/v1/gates/${encodeURIComponent(gate)}/verdict`, body),
    getVerdict: (id: string) => request<Verdict>("GET", `/v1/rollouts/${encodeURIComponent(id)}/verdict`),
  };
}
export type Client = ReturnType<typeof createClient>;

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function describeProblem(status: number, body: unknown, text: string): string {
  const problem = body as { title?: unknown; detail?: unknown; errors?: Array<{ path?: unknown; message?: unknown }> } | undefined;
  if (problem && typeof problem.detail === "string") {
    const title = typeof problem.title === "string" ? `${problem.title}: ` : "";
    return `HTTP ${status} ${title}${problem.detail}`;
  }
  if (status === 401 || status === 403) return `HTTP ${status}: not authorized (set --token or CANARY_GATE_TOKEN)`;
  return `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ""}`;
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "no answer in time";
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

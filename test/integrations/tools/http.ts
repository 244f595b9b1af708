/** One HTTP exchange as a deploy tool makes it; tests route it to the app in-process. */
export interface ToolRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ToolAnswer {
  status: number;
  headers: Headers;
  body: string;
}

export type Send = (request: ToolRequest) => Promise<ToolAnswer>;

/** Sends a tool's request to an in-process Hono app (only the path and query of its URL matter), logging each exchange. */
export function sendTo(app: { request: (input: string, init?: RequestInit) => Response | Promise<Response> }, defaultHeaders: Record<string, string> = {}): Send & { log: Array<{ request: ToolRequest; answer: ToolAnswer }> } {
  const log: Array<{ request: ToolRequest; answer: ToolAnswer }> = [];
  const send = async (request: ToolRequest): Promise<ToolAnswer> => {
    const url = new URL(request.url);
    const response = await app.request(`${url.pathname}${url.search}`, { method: request.method, headers: { ...defaultHeaders, ...request.headers }, body: request.body });
    const answer = { status: response.status, headers: response.headers, body: await response.text() };
    log.push({ request, answer });
    return answer;
  };
  return Object.assign(send, { log });
}

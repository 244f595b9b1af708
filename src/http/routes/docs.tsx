import type { AppRouter } from "../../app.js";

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: { type?: string; enum?: unknown[] } }>;
  requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> };
  responses?: Record<string, { description?: string }>;
};

const METHODS = ["get", "put", "post", "patch", "delete"] as const;

function schemaName(schema: Record<string, unknown> | undefined): string {
  const ref = schema?.["$ref"];
  return typeof ref === "string" ? ref.split("/").at(-1) ?? "object" : "JSON object";
}

/** A readable API reference rendered on the server from the same OpenAPI document as /openapi.json. */
export function registerDocs(app: AppRouter) {
  app.get("/docs", (c) => {
    const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Canary Gate", version: "0.1.0" } });
    const rows = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      METHODS.filter((method) => (item as Record<string, unknown>)[method]).map((method) => ({
        path,
        method,
        op: (item as Record<string, Operation>)[method] as Operation,
      })),
    );
    return c.html(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Canary Gate API</title>
          <style>{`body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code,pre{font-family:ui-monospace,monospace;background:#f3f3f3;padding:0 .25rem;border-radius:3px}
section{border-top:1px solid #ccc;padding:.5rem 0}.m{font-weight:700;text-transform:uppercase;margin-right:.5rem}
table{border-collapse:collapse}td,th{padding:.1rem .6rem .1rem 0;text-align:left;vertical-align:top}`}</style>
        </head>
        <body>
          <main>
            <h1>Canary Gate API</h1>
            <p>
              Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors are RFC 9457{" "}
              <code>application/problem+json</code> documents.
            </p>
            {rows.map(({ path, method, op }) => (
              <section id={op.operationId}>
                <h2>
                  <span class="m">{method}</span>
                  <code>{path}</code>
                </h2>
                <p>{op.summary}</p>
                {op.parameters?.length ? (
                  <table>
                    <caption>Parameters</caption>
                    <tr><th>parameter</th><th>in</th><th>required</th><th>type</th></tr>
                    {op.parameters.map((p) => (
                      <tr><td><code>{p.name}</code></td><td>{p.in}</td><td>{p.required ? "yes" : "no"}</td><td>{p.schema?.enum ? p.schema.enum.join(" | ") : p.schema?.type ?? ""}</td></tr>
                    ))}
                  </table>
                ) : null}
                {op.requestBody ? <p>Body: <code>{schemaName(op.requestBody.content?.["application/json"]?.schema)}</code></p> : null}
                <p>Responses: {Object.entries(op.responses ?? {}).map(([status, response]) => `${status} ${response.description ?? ""}`).join(" · ")}</p>
              </section>
            ))}
          </main>
        </body>
      </html>,
    );
  });
}

/**
 * Reads what a failed database call means for the caller. drizzle wraps driver errors
 * (DrizzleQueryError), so the SQLSTATE or socket code is looked for along the `cause` chain.
 */
export type DatabaseFailure = "unavailable" | "unstorable-input";

// postgres-js socket and pool codes, and SQLSTATEs of a server that is down, starting or stopping.
const UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "57P01", "57P02", "57P03", "53300"]);
// Data exceptions caused by what the client sent: NUL or lone surrogates in text or jsonb, values too large to index.
const UNSTORABLE = new Set(["22P05", "22021", "22P02", "22001", "22003", "54000"]);

export function classifyDatabaseError(error: unknown): DatabaseFailure | undefined {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code !== "string") continue;
    if (UNAVAILABLE.has(code) || code.startsWith("08")) return "unavailable";
    if (UNSTORABLE.has(code)) return "unstorable-input";
  }
  return undefined;
}

const MAX_STORED_TEXT = 2_000;

/** The first string in a JSON value that PostgreSQL cannot store or index, as a dotted path. */
export function findUnstorableText(value: unknown, path = "body"): { path: string; message: string } | undefined {
  if (typeof value === "string") {
    if (/\u0000/.test(value)) return { path, message: "must not contain NUL characters" };
    if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value)) return { path, message: "must be valid Unicode (a lone UTF-16 surrogate was sent)" };
    if (value.length > MAX_STORED_TEXT) return { path, message: `is too long to store (at most ${MAX_STORED_TEXT} characters)` };
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (/\u0000|[\ud800-\udfff]/.test(key)) return { path: `${path}.${key}`, message: "field names must be valid Unicode without NUL characters" };
      const found = findUnstorableText(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

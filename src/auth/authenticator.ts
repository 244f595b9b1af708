import type { AuthConfig } from "../config.js";
import type { Database } from "../db/client.js";
import type { ApproverDirectory } from "../http/approvers.js";
import { deleteExpiredWebSessions, deleteWebSession, findApiToken, findApiTokenByHash, findWebSession, insertWebSession, touchApiToken, type ApiTokenRow } from "./queries.js";
import type { Principal } from "./roles.js";
import { generateSecret, hashSecret, isSameHash } from "./secrets.js";

/** last_used_at is written at most this often per token, not on every request. */
const TOUCH_EVERY_MS = 60_000;
const SESSION_MS = 12 * 60 * 60 * 1000;

export interface Authenticator {
  /** The principal a bearer secret belongs to, or null (unknown, revoked or expired). */
  authenticate(secret: string): Promise<Principal | null>;
  /** Starts a browser session for a principal; returns the session secret for the cookie. */
  startSession(principal: Principal): Promise<{ secret: string; expiresAt: Date }>;
  /** The principal of a session cookie, or null when unknown, expired, or its token was revoked. */
  resumeSession(secret: string): Promise<Principal | null>;
  /** Signs a session out: its row is deleted, so the cookie opens nothing any more. */
  endSession(secret: string): Promise<void>;
}

const isActive = (row: ApiTokenRow, now: Date) => row.revokedAt === null && (row.expiresAt === null || row.expiresAt > now);

/** Tokens come from three places: CANARY_GATE_ADMIN_TOKEN, the api_tokens table, and APPROVERS_FILE. */
export function createAuthenticator(deps: { db: Database; now: () => Date; auth: Pick<AuthConfig, "adminToken">; approvers: ApproverDirectory }): Authenticator {
  const bootstrapHash = deps.auth.adminToken ? hashSecret(deps.auth.adminToken) : undefined;
  const touched = new Map<string, number>();

  async function fromTable(hash: string): Promise<Principal | null> {
    const row = await findApiTokenByHash(deps.db, { hash });
    const now = deps.now();
    if (!row || !isSameHash(row.hash, hash) || !isActive(row, now)) return null;
    if (now.getTime() - (touched.get(row.id) ?? 0) >= TOUCH_EVERY_MS) {
      touched.set(row.id, now.getTime());
      await touchApiToken(deps.db, { id: row.id, now });
    }
    return { key: `token:${row.id}`, name: row.name, role: row.role, groups: row.groups, tokenId: row.id };
  }

  return {
    async authenticate(secret) {
      const hash = hashSecret(secret);
      if (bootstrapHash && isSameHash(bootstrapHash, hash)) return { key: "bootstrap-admin", name: "admin", role: "admin", groups: [], tokenId: null };
      const token = await fromTable(hash);
      if (token) return token;
      const approver = deps.approvers.authenticate(`Bearer ${secret}`);
      return approver ? { key: `approver:${approver.name}`, name: approver.name, role: "approver", groups: approver.groups, tokenId: null } : null;
    },
    async startSession(principal) {
      const secret = generateSecret();
      const now = deps.now();
      const expiresAt = new Date(now.getTime() + SESSION_MS);
      // Every row is born here, so clearing the expired ones here bounds the table to the sessions of
      // the last SESSION_MS without a timer; resumeSession already ignores them.
      await deleteExpiredWebSessions(deps.db, { now });
      await insertWebSession(deps.db, { hash: hashSecret(secret), tokenId: principal.tokenId, name: principal.name, role: principal.role, groups: principal.groups, now, expiresAt });
      return { secret, expiresAt };
    },
    async resumeSession(secret) {
      const now = deps.now();
      const session = await findWebSession(deps.db, { hash: hashSecret(secret), now });
      if (!session) return null;
      if (session.tokenId) {
        const token = await findApiToken(deps.db, { id: session.tokenId });
        if (!token || !isActive(token, now)) return null;
      }
      return { key: session.tokenId ? `token:${session.tokenId}` : `session:${session.id}`, name: session.name, role: session.role, groups: session.groups, tokenId: session.tokenId };
    },
    async endSession(secret) {
      await deleteWebSession(deps.db, { hash: hashSecret(secret) });
    },
  };
}

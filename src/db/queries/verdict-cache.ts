import { sql } from "drizzle-orm";
import type { Database, DbOrTx } from "../client.js";

/**
 * Verdicts are polled far more often than they change (once per evaluation), so each process keeps
 * the verdict rows it has served in memory. Every write that changes a verdict's columns calls
 * `rolloutChanged` inside its transaction: a NOTIFY on `VERDICT_CHANNEL`, delivered to every replica
 * (each LISTENs on its own connection) when the transaction commits, plus an eviction in the writing
 * process once it has committed, so a client reads its own writes. Safety nets: nothing is cached
 * until the LISTEN is up and after it reconnects the cache starts empty (notifications may have been
 * missed); a read that raced with any notification is not cached; and an entry lives at most `TTL_MS`.
 */
export const VERDICT_CHANNEL = "canary_gate_rollout_changed";
const TTL_MS = 2_000;
const MAX_ENTRIES = 100_000;

interface Entry<T> {
  row: T;
  at: number;
}

interface Cache {
  rows: Map<string, Entry<unknown>>;
  /** Bumped on every notification or eviction: a read that saw it change is not cached. */
  version: number;
  listening: boolean;
}

const caches = new WeakMap<object, Cache>();

type PostgresJsClient = ((...args: unknown[]) => unknown) & {
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<unknown>;
};
type PGliteClient = { listen(channel: string, onNotify: (payload: string) => void): Promise<unknown> };

function cacheOf(db: Database): Cache {
  let cache = caches.get(db);
  if (cache) return cache;
  const created: Cache = { rows: new Map(), version: 0, listening: false };
  cache = created;
  caches.set(db, created);
  const client = (db as unknown as { $client?: unknown }).$client;
  const onNotify = (id: string) => evict(created, id);
  const up = () => {
    created.rows.clear();
    created.version += 1;
    created.listening = true;
  };
  if (typeof client === "function" && "listen" in client) {
    // postgres-js: a dedicated connection; `onListen` runs on every (re)connect.
    (client as PostgresJsClient).listen(VERDICT_CHANNEL, onNotify, up).catch(() => {
      created.listening = false;
    });
  } else if (client && typeof client === "object" && "listen" in client) {
    // PGlite: embedded in this process, so its notifications cannot be missed.
    (client as PGliteClient).listen(VERDICT_CHANNEL, onNotify).then(up, () => {
      created.listening = false;
    });
  }
  return created;
}

function evict(cache: Cache, id: string) {
  cache.version += 1;
  cache.rows.delete(id);
}

/** Reads a verdict row through the process's cache; `read` runs on a miss. */
export async function cachedVerdict<T>(db: Database, id: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
  const cache = cacheOf(db);
  const hit = cache.rows.get(id);
  const now = Date.now();
  if (hit && now - hit.at < TTL_MS) return hit.row as T;
  const version = cache.version;
  const row = await read();
  if (row !== undefined && cache.listening && cache.version === version) {
    if (cache.rows.size >= MAX_ENTRIES) cache.rows.clear();
    cache.rows.set(id, { row, at: now });
  }
  return row;
}

/**
 * Announces that a rollout's verdict columns changed: call inside the writing transaction (the
 * NOTIFY reaches every replica when it commits), then `evictVerdict` in this process after commit.
 */
export async function rolloutChanged(tx: DbOrTx, id: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${VERDICT_CHANNEL}, ${id})`);
}

/** Drops this process's cached verdict of a rollout (after the write committed). */
export function evictVerdict(db: DbOrTx, id: string): void {
  const cache = caches.get(db);
  if (cache) evict(cache, id);
}

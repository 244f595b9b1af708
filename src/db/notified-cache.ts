import { sql } from "drizzle-orm";
import type { Database, DbOrTx } from "./client.js";

/**
 * A process-local read cache of rows that are read far more often than they change, kept correct
 * across replicas by PostgreSQL's LISTEN/NOTIFY. Every write that changes a cached row announces it
 * with `announce` inside its transaction: a NOTIFY on the cache's channel, delivered to every replica
 * (each LISTENs on its own connection) when the transaction commits; the writing process also calls
 * `evictChanged` once it has committed, so a client reads its own writes at once.
 *
 * Safety nets: nothing is cached until the LISTEN is up, and after it reconnects the cache starts empty
 * (notifications sent meanwhile are lost); a read that raced with any notification is not cached; an
 * entry lives at most `ttlMs`. Concurrent misses on one key share one read.
 */
export interface NotifiedCacheOptions<T> {
  channel: string;
  ttlMs: number;
  maxEntries: number;
  /** For caches keyed otherwise than by the notified payload: whether a payload concerns an entry. */
  concerns?: (payload: string, row: T) => boolean;
}

interface Cache {
  options: NotifiedCacheOptions<unknown>;
  rows: Map<string, { row: unknown; at: number }>;
  reading: Map<string, Promise<unknown>>;
  /** Bumped on every notification or eviction: a read that saw it change is not cached. */
  version: number;
  listening: boolean;
}

const caches = new WeakMap<object, Map<string, Cache>>();

function cacheOf<T>(db: Database, options: NotifiedCacheOptions<T>): Cache {
  let byChannel = caches.get(db);
  if (!byChannel) {
    byChannel = new Map();
    caches.set(db, byChannel);
  }
  const existing = byChannel.get(options.channel);
  if (existing) return existing;
  const cache: Cache = { options: options as NotifiedCacheOptions<unknown>, rows: new Map(), reading: new Map(), version: 0, listening: false };
  byChannel.set(options.channel, cache);
  listen(db, options.channel, {
    notify: (payload) => evict(cache, payload),
    up: () => {
      cache.rows.clear();
      cache.reading.clear();
      cache.version += 1;
      cache.listening = true;
    },
    down: () => {
      cache.listening = false;
    },
  });
  return cache;
}

function evict(cache: Cache, payload: string) {
  cache.version += 1;
  cache.rows.delete(payload);
  // A read that began before the change may return the old row: later callers start their own.
  cache.reading.delete(payload);
  const concerns = cache.options.concerns;
  if (concerns) {
    for (const [key, entry] of cache.rows) if (concerns(payload, entry.row)) cache.rows.delete(key);
    cache.reading.clear();
  }
}

/** Reads a row through the process's cache of `options.channel`; `read` runs on a miss. */
export function cachedRead<T>(db: Database, options: NotifiedCacheOptions<T>, key: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
  const cache = cacheOf(db, options);
  const now = Date.now();
  const hit = cache.rows.get(key);
  if (hit && now - hit.at < options.ttlMs) return Promise.resolve(hit.row as T);
  const pending = cache.reading.get(key);
  if (pending) return pending as Promise<T | undefined>;
  const version = cache.version;
  const settle = () => {
    if (cache.reading.get(key) === reading) cache.reading.delete(key);
  };
  const reading = read().then(
    (row) => {
      settle();
      if (row !== undefined && cache.listening && cache.version === version) {
        if (cache.rows.size >= options.maxEntries) cache.rows.clear();
        cache.rows.set(key, { row, at: now });
      }
      return row;
    },
    (error: unknown) => {
      settle();
      throw error;
    },
  );
  cache.reading.set(key, reading);
  return reading;
}

/** Announces a change to every replica: call inside the writing transaction (NOTIFY is sent on commit). */
export async function announce(tx: DbOrTx, channel: string, payload: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${channel}, ${payload})`);
}

/** Drops what this process cached about `payload` on `channel` (after the write committed). */
export function evictChanged(db: DbOrTx, channel: string, payload: string): void {
  const cache = caches.get(db)?.get(channel);
  if (cache) evict(cache, payload);
}

function listen(db: Database, channel: string, handlers: { notify: (payload: string) => void; up: () => void; down: () => void }): void {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (typeof client === "function" && "listen" in client) {
    // postgres-js: one dedicated connection for all channels; `onListen` runs on every (re)connect.
    (client as PostgresJsClient).listen(channel, handlers.notify, handlers.up).catch(handlers.down);
  } else if (client && typeof client === "object" && "listen" in client) {
    // PGlite: embedded in this process, so its notifications cannot be missed.
    (client as PGliteClient).listen(channel, handlers.notify).then(handlers.up, handlers.down);
  }
}

type PostgresJsClient = ((...args: unknown[]) => unknown) & {
  listen(channel: string, onNotify: (payload: string) => void, onListen?: () => void): Promise<unknown>;
};
type PGliteClient = { listen(channel: string, onNotify: (payload: string) => void): Promise<unknown> };

import type { Database, DbOrTx } from "../client.js";
import { announce, cachedRead, evictChanged, type NotifiedCacheOptions } from "../notified-cache.js";

/**
 * Verdicts are polled far more often than they change (once per evaluation), so each process keeps
 * the verdict rows it has served in memory (see notified-cache.ts for how replicas stay correct).
 * Every write that changes a verdict's columns calls `rolloutChanged` inside its transaction and
 * `evictVerdict` after commit.
 */
export const VERDICT_CHANNEL = "canary_gate_rollout_changed";
const options: NotifiedCacheOptions<unknown> = { channel: VERDICT_CHANNEL, ttlMs: 2_000, maxEntries: 100_000 };

/** Reads a verdict row through the process's cache; `read` runs on a miss. */
export function cachedVerdict<T>(db: Database, id: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
  return cachedRead(db, options as NotifiedCacheOptions<T>, id, read);
}

/** Announces that a rollout's verdict columns changed: call inside the writing transaction. */
export async function rolloutChanged(tx: DbOrTx, id: string): Promise<void> {
  await announce(tx, VERDICT_CHANNEL, id);
}

/** Drops this process's cached verdict of a rollout (after the write committed). */
export function evictVerdict(db: DbOrTx, id: string): void {
  evictChanged(db, VERDICT_CHANNEL, id);
}

import { and, asc, eq, inArray, isNull, lt, lte, or } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { notifications } from "../db/schema/index.js";
import type { Logger } from "../telemetry/logger.js";
import type { NotificationTargets } from "./notifications.js";

const MAX_ATTEMPTS = 8;
const SEND_TIMEOUT_MS = 5_000;

export interface Notifier {
  start(): void;
  /** Sends what is due now; returns how many were delivered. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Delivers queued notifications in the background, apart from evaluations, so a target that is down
 * never delays a verdict. Due rows are claimed with a lease (SKIP LOCKED), sent with a time limit, and
 * retried with exponential backoff; every attempt is recorded on the row.
 */
export function createNotifier(deps: { db: Database; targets: NotificationTargets; logger: Logger; now: () => Date; tickMs?: number }): Notifier {
  const byName = new Map(deps.targets.map((target) => [target.name, target]));
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function claim(now: Date) {
    return deps.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.status, "pending"), lte(notifications.nextAttemptAt, now), or(isNull(notifications.leaseUntil), lt(notifications.leaseUntil, now))))
        .orderBy(asc(notifications.nextAttemptAt))
        .limit(20)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(notifications)
        .set({ leaseUntil: new Date(now.getTime() + 4 * SEND_TIMEOUT_MS) })
        .where(inArray(notifications.id, due.map((row) => row.id)))
        .returning();
    });
  }

  async function runOnce(): Promise<number> {
    const rows = await claim(deps.now());
    const sent = await Promise.all(
      rows.map(async (row) => {
        const target = byName.get(row.target);
        const attempts = row.attempts + 1;
        let error: string | null = target ? null : `target "${row.target}" is no longer configured`;
        if (target) {
          try {
            const response = await fetch(target.url, { method: "POST", headers: { "content-type": "application/json", ...target.headers }, body: JSON.stringify(row.payload), signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
            if (!response.ok) error = `HTTP ${response.status}`;
          } catch (caught) {
            error = caught instanceof Error && caught.name === "TimeoutError" ? "timed out" : "unreachable";
          }
        }
        const now = deps.now();
        if (error === null) {
          await deps.db.update(notifications).set({ status: "delivered", attempts, deliveredAt: now, lastError: null, leaseUntil: null }).where(eq(notifications.id, row.id));
          return 1;
        }
        const failed = attempts >= MAX_ATTEMPTS || !target;
        const backoffMs = Math.min(600_000, 2_000 * 2 ** (attempts - 1));
        await deps.db
          .update(notifications)
          .set({ status: failed ? "failed" : "pending", attempts, lastError: error, nextAttemptAt: new Date(now.getTime() + backoffMs), leaseUntil: null })
          .where(eq(notifications.id, row.id));
        deps.logger.warn({ event: "notification.failed", target: row.target, notificationEvent: row.event, attempts, error, final: failed }, "notification not delivered");
        return 0;
      }),
    );
    return sent.reduce<number>((sum, count) => sum + count, 0);
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(async () => {
      running = runOnce().catch((error: unknown) => {
        deps.logger.warn({ err: error }, "notifier tick failed");
        return 0;
      });
      await running;
      running = undefined;
      schedule();
    }, deps.tickMs ?? 2_000);
    timer.unref();
  }

  return {
    start: schedule,
    runOnce,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
    },
  };
}

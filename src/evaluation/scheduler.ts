import { randomUUID } from "node:crypto";
import { claimDueRollouts, releaseLease } from "../db/queries/rollouts.js";
import { evaluateRollout, type EvaluationDeps } from "./evaluate-rollout.js";

export interface SchedulerOptions {
  tickMs: number;
  /** How long a claim holds before another replica may take the rollout over. */
  leaseMs: number;
  /** Rollouts claimed per tick, and so evaluated concurrently by this process. */
  batchSize: number;
  owner?: string;
}

export interface Scheduler {
  readonly owner: string;
  start(): void;
  /** Evaluates whatever is due now; the timer calls this every tick. Returns how many were evaluated. */
  runOnce(): Promise<number>;
  /** Stops claiming work and waits for in-flight evaluations, at most `deadlineMs`. */
  stop(deadlineMs: number): Promise<void>;
}

/**
 * Every replica runs one: due rollouts are claimed in PostgreSQL with FOR UPDATE SKIP LOCKED and
 * a lease, so replicas share the work without a second coordination system.
 */
export function createScheduler(deps: EvaluationDeps, options: SchedulerOptions): Scheduler {
  const owner = options.owner ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;
  let backoffMs = 0;
  // Leases this replica could not give back (the database was down): released on the next tick,
  // so its rollouts are evaluated again as soon as the database is back, not when the lease ends.
  const unreleased = new Set<string>();

  async function runOnce(): Promise<number> {
    if (stopped) return 0;
    for (const id of unreleased) {
      await releaseLease(deps.db, { id, owner });
      unreleased.delete(id);
    }
    const ids = await claimDueRollouts(deps.db, { owner, now: deps.now(), leaseMs: options.leaseMs, limit: options.batchSize });
    const outcomes = await Promise.all(
      ids.map(async (id) => {
        try {
          const outcome = await evaluateRollout(deps, { id, trigger: "scheduler", leaseOwner: owner });
          return outcome?.evaluated ? 1 : 0;
        } catch (error) {
          deps.logger.error({ err: error, rolloutId: id }, "evaluation failed");
          await releaseLease(deps.db, { id, owner }).catch(() => unreleased.add(id));
          return 0;
        }
      }),
    );
    return outcomes.reduce<number>((sum, count) => sum + count, 0);
  }

  function schedule(delayMs: number) {
    if (stopped) return;
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  async function tick() {
    running = runOnce();
    try {
      const evaluated = await running;
      backoffMs = 0;
      // A full batch means more is due: go again at once rather than waiting a tick.
      schedule(evaluated >= options.batchSize ? 0 : options.tickMs);
    } catch (error) {
      backoffMs = Math.min(Math.max(backoffMs * 2, options.tickMs), 60_000);
      deps.logger.warn({ err: error, backoffMs }, "scheduler tick failed; backing off");
      schedule(backoffMs);
    } finally {
      running = undefined;
    }
  }

  return {
    owner,
    start: () => schedule(0),
    runOnce,
    async stop(deadlineMs) {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) {
        await Promise.race([running.catch(() => 0), new Promise((resolve) => setTimeout(resolve, deadlineMs).unref())]);
      }
    },
  };
}

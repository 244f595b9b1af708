import type { Database } from "../db/client.js";
import { finishRollout } from "../db/queries/evaluations.js";
import { startRollout, type StartRolloutInput } from "./start-rollout.js";
import { findLatestRollout, type RolloutRow } from "../db/queries/rollouts.js";

export interface StartOrGetOptions {
  /**
   * Whether the latest rollout of this identity belongs to the run asking (Flagger: same checksum).
   * Default: always. A final rollout of another run is followed by a new one; an open one is superseded.
   */
  isSameRun?: (latest: RolloutRow) => boolean;
  supersededReason?: string;
}

/**
 * The rollout a deploy tool that knows only gate, service, environment and version is asking about:
 * the newest one of that identity, open or final, so a tool polling after `halt` keeps hearing `halt`
 * (a new pending rollout would let Flagger or Azure promote). Starts one when there is none.
 */
export async function startOrGetRollout(
  deps: { db: Database; now: () => Date },
  input: StartRolloutInput,
  options: StartOrGetOptions = {},
): Promise<RolloutRow> {
  const latest = await findLatestRollout(deps.db, { gateName: input.gate, service: input.service, environment: input.environment, version: input.version });
  if (latest && (options.isSameRun?.(latest) ?? true)) return latest;
  if (latest && !latest.isFinal) {
    await finishRollout(deps.db, { id: latest.id, reason: options.supersededReason ?? "Superseded: a new analysis of this version started.", now: deps.now() });
  }
  const { rollout } = await startRollout(deps, input);
  return rollout;
}

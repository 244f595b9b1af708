import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/client.js";
import type { RolloutRow } from "../../../db/queries/rollouts.js";
import { rollouts } from "../../../db/schema/index.js";

// Belongs in src/db/queries/rollouts.ts beside findOpenRollout; kept here until that file can change.
/** The newest rollout, open or final, of this (gate, service, environment, version). */
export async function findLatestRollout(
  db: DbOrTx,
  params: { gateName: string; service: string; environment: string; version: string },
): Promise<RolloutRow | undefined> {
  const [row] = await db
    .select()
    .from(rollouts)
    .where(
      and(
        eq(rollouts.gateName, params.gateName),
        eq(rollouts.service, params.service),
        eq(rollouts.environment, params.environment),
        eq(rollouts.version, params.version),
      ),
    )
    .orderBy(desc(rollouts.createdAt), desc(rollouts.id))
    .limit(1);
  return row;
}

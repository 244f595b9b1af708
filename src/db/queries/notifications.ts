import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "../client.js";
import { notifications } from "../schema/index.js";

/** Delivery history of a rollout's notifications, newest first. */
export async function listNotifications(db: DbOrTx, params: { rolloutId: string }) {
  return db.select().from(notifications).where(eq(notifications.rolloutId, params.rolloutId)).orderBy(desc(notifications.createdAt));
}

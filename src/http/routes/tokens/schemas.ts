import { z } from "@hono/zod-openapi";
import { parseDuration } from "../../../analysis/duration.js";
import { ROLES } from "../../../auth/roles.js";
import type { ApiTokenRow } from "../../../auth/queries.js";

export const TokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(ROLES),
    groups: z.array(z.string()),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("ApiToken");

export const CreateTokenBody = z
  .strictObject({
    name: z.string().min(1).max(200).openapi({ example: "argo-rollouts-prod" }),
    role: z.enum(ROLES),
    groups: z.array(z.string().min(1).max(100)).max(50).optional().openapi({ description: "For approver tokens: the groups approval rules may name" }),
    expiresIn: z
      .string()
      .refine((text) => (parseDuration(text) ?? 0) >= 60_000, "must be a duration of at least 1m, such as 90d")
      .optional()
      .openapi({ example: "90d" }),
  })
  .openapi("CreateApiToken");

export const TokenParams = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

/** A token as listed: never the secret, never its hash. */
export function toToken(row: ApiTokenRow): z.infer<typeof TokenSchema> {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    groups: row.groups,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

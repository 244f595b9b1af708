import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import type { NotificationTargets } from "./notifications.js";

const Value = z.union([z.string(), z.strictObject({ fromEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) })]);

const NotificationsFile = z.strictObject({
  targets: z.array(
    z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, "must be 1-63 letters, digits, '.', '_' or '-'"),
      type: z.enum(["webhook", "slack", "teams"]),
      url: z.union([z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }), z.strictObject({ fromEnv: z.string() })]),
      headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), Value).default({}),
      events: z.array(z.enum(["halt", "approval-requested", "continue"])).min(1).default(["halt", "approval-requested", "continue"]),
    }),
  ),
});

export class NotificationsFileError extends Error {
  override readonly name = "NotificationsFileError";
}

/** Reads NOTIFICATIONS_FILE: operator-configured targets; webhook URLs and tokens may come from the environment. */
export function loadNotificationTargets(path: string, env: Record<string, string | undefined>): NotificationTargets {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new NotificationsFileError(`NOTIFICATIONS_FILE ${path}: ${error instanceof Error ? error.message.split("\n")[0] : "unreadable"}`);
  }
  const parsed = NotificationsFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NotificationsFileError(`NOTIFICATIONS_FILE ${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  const read = (value: z.infer<typeof Value> | { fromEnv: string }, where: string) => {
    if (typeof value === "string") return value;
    const found = env[value.fromEnv];
    if (!found) throw new NotificationsFileError(`NOTIFICATIONS_FILE ${path}: ${where}: environment variable ${value.fromEnv} is not set`);
    return found;
  };
  return parsed.data.targets.map((target, index) => ({
    name: target.name,
    type: target.type,
    url: read(target.url, `targets.${index}.url`),
    headers: Object.fromEntries(Object.entries(target.headers).map(([name, value]) => [name, read(value, `targets.${index}.headers.${name}`)])),
    events: target.events,
  }));
}

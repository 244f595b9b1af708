import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import type { Approver } from "../analysis/approvals.js";

/** Who may approve: people with their groups, each identified by a bearer token. */
export interface ApproverDirectory {
  /** The approver a bearer token belongs to, or null. Compared in constant time against stored hashes. */
  authenticate(authorization: string | undefined): Approver | null;
}

const ApproversFile = z.strictObject({
  approvers: z.array(
    z.strictObject({
      name: z.string().min(1).max(200),
      groups: z.array(z.string().min(1).max(100)).default([]),
      token: z.strictObject({ fromEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
    }),
  ),
});

export class ApproversFileError extends Error {
  override readonly name = "ApproversFileError";
}

const digest = (token: string) => createHash("sha256").update(token).digest();

/** Builds the directory from entries; only token hashes are kept. */
export function createApproverDirectory(entries: Array<Approver & { token: string }>): ApproverDirectory {
  const known = entries.map((entry) => ({ approver: { name: entry.name, groups: entry.groups }, hash: digest(entry.token) }));
  return {
    authenticate(authorization) {
      const match = /^Bearer (\S{16,})$/.exec(authorization ?? "");
      if (!match?.[1]) return null;
      const hash = digest(match[1]);
      let found: Approver | null = null;
      // Every entry is compared, so the time taken does not say which one matched.
      for (const entry of known) if (timingSafeEqual(entry.hash, hash)) found = entry.approver;
      return found;
    },
  };
}

/** Reads APPROVERS_FILE; tokens come from the environment and are at least 16 characters. */
export function loadApprovers(path: string, env: Record<string, string | undefined>): ApproverDirectory {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ApproversFileError(`APPROVERS_FILE ${path}: ${error instanceof Error ? error.message.split("\n")[0] : "unreadable"}`);
  }
  const parsed = ApproversFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApproversFileError(`APPROVERS_FILE ${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return createApproverDirectory(
    parsed.data.approvers.map((entry, index) => {
      const token = env[entry.token.fromEnv];
      if (!token || token.length < 16) throw new ApproversFileError(`APPROVERS_FILE ${path}: approvers.${index}.token: ${entry.token.fromEnv} must be set to at least 16 characters`);
      return { name: entry.name, groups: entry.groups, token };
    }),
  );
}

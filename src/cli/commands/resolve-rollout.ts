import type { Client, Verdict } from "../client.js";
import { CliError } from "../errors.js";
import { identityBody, type IdentityOptions } from "../options.js";

export interface RolloutTarget extends IdentityOptions {
  rollout?: string;
}

/** The verdict of `--rollout ID`, or of the rollout named by gate, service, env and version (started if needed). */
export async function fetchTarget(client: Client, target: RolloutTarget): Promise<Verdict> {
  const identity = [target.gate, target.service, target.env, target.version];
  if (target.rollout) {
    if (identity.some((value) => value !== undefined)) throw new CliError("give either --rollout ID or --gate, --service, --env and --version, not both");
    return client.getVerdict(target.rollout);
  }
  const missing = (["gate", "service", "env", "version"] as const).filter((key) => target[key] === undefined).map((key) => `--${key}`);
  if (missing.length === 4) throw new CliError("name the rollout: --rollout ID, or --gate, --service, --env and --version");
  if (missing.length) throw new CliError(`missing ${missing.join(", ")} (or give --rollout ID)`);
  return client.startOrGetVerdict(target.gate as string, identityBody(target));
}

import { Command } from "commander";
import { createClient } from "../client.js";
import { EXIT } from "../errors.js";
import { withIdentityOptions, withServerOptions, type ServerOptions } from "../options.js";
import { summary } from "../render.js";
import { fetchTarget, type RolloutTarget } from "./resolve-rollout.js";

interface VerdictOptions extends RolloutTarget, ServerOptions {
  json?: boolean;
}

export function verdictCommand(): Command {
  const command = new Command("verdict")
    .description("print a rollout's verdict once: exit 0 continue, 1 halt, 3 pending, 2 error")
    .option("--rollout <id>", "the rollout id (from `canary-gate start`)");
  withIdentityOptions(command, false);
  withServerOptions(command)
    .option("--json", "print the verdict as the API's JSON")
    .action(async (options: VerdictOptions) => {
      const verdict = await fetchTarget(createClient({ url: options.url, token: options.token }), options);
      process.stdout.write(options.json ? `${JSON.stringify(verdict, null, 2)}\n` : summary(verdict, `${verdict.verdict}${verdict.final ? " (final)" : ""}`));
      process.exitCode = verdict.verdict === "continue" ? EXIT.ok : verdict.verdict === "halt" ? EXIT.halt : EXIT.pending;
    });
  return command;
}

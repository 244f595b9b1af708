import { Command } from "commander";
import { createClient } from "../client.js";
import { identityBody, withIdentityOptions, withServerOptions, type IdentityOptions, type ServerOptions } from "../options.js";

interface StartOptions extends IdentityOptions, ServerOptions {
  json?: boolean;
  quiet?: boolean;
}

export function startCommand(): Command {
  const command = new Command("start").description("start analysing a rollout (or get the open one with the same identity); prints its id and links");
  withIdentityOptions(command, true);
  withServerOptions(command)
    .option("--json", "print the rollout as the API's JSON")
    .option("-q, --quiet", "print the rollout id only, e.g. ID=$(canary-gate start ... -q)")
    .action(async (options: StartOptions) => {
      const client = createClient({ url: options.url, token: options.token });
      const { rollout, created } = await client.startRollout({ gate: options.gate, ...identityBody(options) });
      if (options.json) return void process.stdout.write(`${JSON.stringify(rollout, null, 2)}\n`);
      if (options.quiet) return void process.stdout.write(`${rollout.id}\n`);
      process.stdout.write(
        [
          `${created ? "started" : "already open:"} rollout ${rollout.id} of ${rollout.service}@${rollout.version} in ${rollout.environment} (gate ${rollout.gate.name} v${rollout.gate.version}), ${rollout.verdict}`,
          `verdict:       ${rollout.verdictUrl}`,
          `investigation: ${rollout.investigationUrl}`,
          `wait with:     canary-gate wait --rollout ${rollout.id}`,
          "",
        ].join("\n"),
      );
    });
  return command;
}

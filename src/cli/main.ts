#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { gatesCommand } from "./commands/gates-validate.js";
import { migrateCommand, serveCommand } from "./commands/service.js";
import { startCommand } from "./commands/start.js";
import { verdictCommand } from "./commands/verdict.js";
import { waitCommand } from "./commands/wait.js";
import { CliError, EXIT } from "./errors.js";

const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command("canary-gate")
  .description("Canary Gate: start rollouts, wait for their verdict, validate gates, run the service.\nServer URL and token: --url/--token or CANARY_GATE_URL/CANARY_GATE_TOKEN.")
  .version(version, "-V, --version", "print the CLI's version")
  // Subcommands have their own --version (the rollout's), so program options must come first.
  .enablePositionalOptions()
  .addCommand(startCommand())
  .addCommand(waitCommand())
  .addCommand(verdictCommand())
  .addCommand(gatesCommand())
  .addCommand(migrateCommand())
  .addCommand(serveCommand());

// Commands added with addCommand() do not inherit these settings.
for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
  command.exitOverride().showHelpAfterError("(run with --help for usage)");
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeOf(error);
}

/** Usage errors exit 2 (1 means halt); help and --version exit 0. No stack traces: they say nothing to a pipeline's reader. */
function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message.
    return ["commander.helpDisplayed", "commander.help", "commander.version"].includes(error.code) ? EXIT.ok : EXIT.error;
  }
  if (error instanceof CliError) {
    process.stderr.write(`canary-gate: ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`canary-gate: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.error;
}

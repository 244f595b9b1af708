import { Command, Option } from "commander";
import { formatDuration } from "../../analysis/duration.js";
import { createClient, RequestFailed, type Verdict } from "../client.js";
import { EXIT } from "../errors.js";
import { parseDurationOption, withIdentityOptions, withServerOptions, type ServerOptions } from "../options.js";
import { createProgress } from "../progress.js";
import { summary } from "../render.js";
import { fetchTarget, type RolloutTarget } from "./resolve-rollout.js";

interface WaitOptions extends RolloutTarget, ServerOptions {
  timeout: number;
  interval: number;
}

/** Consecutive failed polls tolerated (a restart, a blip) before giving up, as Argo tolerates 4. */
const MAX_CONSECUTIVE_ERRORS = 5;

export function waitCommand(): Command {
  const command = new Command("wait")
    .description("poll a rollout's verdict until it is decided: exit 0 on continue, 1 on halt, 2 on timeout or error")
    .option("--rollout <id>", "the rollout id (from `canary-gate start`)");
  withIdentityOptions(command, false);
  withServerOptions(command)
    .addOption(new Option("--timeout <duration>", "give up after this long (exit 2)").default(3_600_000, "1h").argParser(parseDurationOption))
    .addOption(new Option("--interval <duration>", "time between polls").default(10_000, "10s").argParser(parseDurationOption))
    .action(async (options: WaitOptions) => {
      process.exitCode = await waitForVerdict(options);
    });
  return command;
}

async function waitForVerdict(options: WaitOptions): Promise<number> {
  const client = createClient({ url: options.url, token: options.token });
  const started = Date.now();
  const deadline = started + options.timeout;
  let verdict: Verdict = await fetchTarget(client, options);
  const progress = createProgress(process.stderr, started);
  process.stderr.write(`waiting for rollout ${verdict.id} (timeout ${formatDuration(options.timeout)}, polling every ${formatDuration(options.interval)})\n`);
  let errors = 0;
  try {
    for (;;) {
      progress.update(verdict);
      if (verdict.verdict !== "pending") break;
      const left = deadline - Date.now();
      if (left <= 0) {
        progress.done();
        process.stdout.write(summary(verdict, `timed out after ${formatDuration(options.timeout)}; the verdict is still pending`));
        return EXIT.error;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.interval, left)));
      try {
        verdict = await client.getVerdict(verdict.id);
        errors = 0;
      } catch (error) {
        if (!(error instanceof RequestFailed) || !error.isTransient || ++errors >= MAX_CONSECUTIVE_ERRORS) throw error;
        progress.warn(`${error.message} (attempt ${errors} of ${MAX_CONSECUTIVE_ERRORS}; trying again)`);
      }
    }
  } finally {
    progress.done();
  }
  process.stdout.write(summary(verdict, verdict.verdict));
  return verdict.verdict === "continue" ? EXIT.ok : EXIT.halt;
}


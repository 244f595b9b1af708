import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Command } from "commander";

/**
 * `serve` and `migrate` run the service's own entry points (src/main.ts, src/migrate.ts) in a child
 * process, as `npm start` and `npm run migrate` do, so the container and the README share one command.
 * Configuration is the service's: environment variables (README, "Configuration").
 */
export function serveCommand(): Command {
  return new Command("serve")
    .description("run the service (HTTP API, scheduler, pages), configured by environment variables such as PORT, DATABASE_URL, GATES_DIR")
    .action(async () => {
      process.exitCode = await runEntryPoint("main", true);
    });
}

export function migrateCommand(): Command {
  return new Command("migrate")
    .description("apply the database migrations to DATABASE_URL (or to PGlite in DATA_DIR)")
    .action(async () => {
      process.exitCode = await runEntryPoint("migrate", false);
    });
}

/** Runs dist/NAME.js (or src/NAME.ts under tsx), forwarding signals; resolves to its exit code. */
function runEntryPoint(name: "main" | "migrate", withInstrumentation: boolean): Promise<number> {
  const extension = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const script = fileURLToPath(new URL(`../../${name}.${extension}`, import.meta.url));
  const instrumentation = new URL(`../../instrumentation.${extension}`, import.meta.url).href;
  // process.execArgv carries tsx's loader when the CLI itself runs from source.
  const args = [...process.execArgv, "--enable-source-maps", ...(withInstrumentation ? ["--import", instrumentation] : []), script];
  const child = spawn(process.execPath, args, { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    child.once("error", (error) => {
      process.stderr.write(`canary-gate: cannot start ${script}: ${error.message}\n`);
      resolve(2);
    });
    child.once("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

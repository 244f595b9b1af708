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
  const args = [...process.execArgv, "--enable-source-maps", ...heapLimit(), ...(withInstrumentation ? ["--import", instrumentation] : []), script];
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

/**
 * V8 sizes the old generation by the machine's memory (4 GB on a 24 GB host) and lets it fill far beyond
 * the live heap (25-30 MB with 1,000 active rollouts) before a full collection. 1 GB keeps the service's
 * RSS near its working set without slowing it; NODE_OPTIONS with its own --max-old-space-size wins.
 */
export const HEAP_LIMIT_FLAG = "--max-old-space-size=1024";

function heapLimit(): string[] {
  const given = `${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`;
  return given.includes("--max-old-space-size") ? [] : [HEAP_LIMIT_FLAG];
}

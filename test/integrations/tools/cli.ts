import { spawn } from "node:child_process";

// The canary-gate CLI as a CI job runs it: its own process, configured by arguments and environment only.
// It runs from source (tsx), so no build is needed; the image's `canary-gate` runs the same code compiled.

const root = new URL("../../../", import.meta.url).pathname;

export interface CliRun {
  exitCode: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr contains `text`. */
  waitFor(text: string): Promise<void>;
}

/** Starts `canary-gate ARGS` with exactly this environment (and PATH). */
export function startCli(args: string[], env: Record<string, string>): CliRun {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: Array<{ text: string; resolve: () => void; reject: (error: Error) => void }> = [];
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) waiter.resolve();
  });
  const exitCode = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      for (const waiter of waiters) waiter.reject(new Error(`canary-gate exited ${code} before printing "${waiter.text}":\n${stderr}`));
      resolve(code);
    }),
  );
  return {
    exitCode,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (text) => (stderr.includes(text) ? Promise.resolve() : new Promise((resolve, reject) => waiters.push({ text, resolve, reject }))),
  };
}

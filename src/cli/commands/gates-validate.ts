import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { Command } from "commander";
import { EXIT } from "../errors.js";

export function gatesCommand(): Command {
  const gates = new Command("gates").description("work with gate definition files");
  gates
    .command("validate")
    .description("check gate YAML files offline with the server's schema (a folder means its *.yaml and *.yml); exit 1 if any is bad")
    .argument("<files...>", "gate files or folders")
    .action(async (paths: string[]) => {
      process.exitCode = await validateGateFiles(paths);
    });
  return gates;
}

async function validateGateFiles(paths: string[]): Promise<number> {
  // Loaded here so that `wait` and `verdict` start without the gate schema.
  const { problemsOf } = await import("./validate-gate-file.js");
  let bad = 0;
  const files = paths.flatMap(expand);
  for (const file of files) {
    const problems = "error" in file ? [file.error] : problemsOf(file.path);
    if (problems.length === 0) {
      process.stdout.write(`ok       ${file.path}\n`);
      continue;
    }
    bad += 1;
    process.stdout.write(`invalid  ${file.path}\n${problems.map((problem) => `  ${file.path}${problem.startsWith(":") ? "" : ": "}${problem}\n`).join("")}`);
  }
  process.stdout.write(`${files.length - bad} valid, ${bad} invalid\n`);
  return bad > 0 ? EXIT.halt : EXIT.ok;
}

function expand(path: string): Array<{ path: string } | { path: string; error: string }> {
  try {
    if (!statSync(path).isDirectory()) return [{ path }];
    const entries = readdirSync(path).filter((entry) => [".yaml", ".yml"].includes(extname(entry))).sort();
    return entries.length ? entries.map((entry) => ({ path: join(path, entry) })) : [{ path, error: "no *.yaml or *.yml files in this folder" }];
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return [{ path, error: code === "ENOENT" ? "no such file" : `unreadable (${String(code ?? error)})` }];
  }
}

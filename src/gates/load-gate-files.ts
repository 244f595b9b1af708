import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { GateName, type GateDefinition } from "../analysis/gate.js";
import { formatIssues, parseGateYaml, type KnownSource } from "./parse-gate.js";

export class GateFileError extends Error {
  override readonly name = "GateFileError";
}

export interface GateFile {
  name: string;
  file: string;
  definition: GateDefinition;
}

/** Reads every `*.yaml`/`*.yml` in a folder; the file name is the gate name. Any bad file stops start-up. */
export function loadGateFiles(dir: string, knownSources: readonly KnownSource[]): GateFile[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((entry) => [".yaml", ".yml"].includes(extname(entry))).sort();
  } catch (error) {
    throw new GateFileError(`GATES_DIR ${dir}: ${error instanceof Error ? error.message : "unreadable"}`);
  }
  return entries.map((entry) => {
    const file = join(dir, entry);
    const name = basename(entry, extname(entry));
    if (!GateName.safeParse(name).success) {
      throw new GateFileError(`${file}: the file name "${name}" is not a valid gate name (lowercase letters, digits, '.', '_' or '-')`);
    }
    const result = parseGateYaml(readFileSync(file, "utf8"), knownSources);
    if (!result.ok) throw new GateFileError(`${file}: ${formatIssues(result.issues)}`);
    return { name, file, definition: result.gate };
  });
}

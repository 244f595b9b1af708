import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { GateName } from "../../analysis/gate.js";
import { parseGateYaml } from "../../gates/parse-gate.js";

/**
 * What is wrong with one gate file, checked as GATES_DIR would check it but offline (any source name
 * is taken to exist): each problem as `:LINE: path: message`, so editors jump to file:line, or `path: message`.
 */
export function problemsOf(path: string): string[] {
  const problems: string[] = [];
  const name = basename(path, extname(path));
  if (!GateName.safeParse(name).success) {
    problems.push(`the file name "${name}" is not a gate name (1-63 lowercase letters, digits, '.', '_' or '-'), so GATES_DIR would refuse it`);
  }
  const result = parseGateYaml(readFileSync(path, "utf8"));
  if (!result.ok) problems.push(...result.issues.map((issue) => `${issue.line ? `:${issue.line}: ` : ""}${issue.path || "(gate)"}: ${issue.message}`));
  return problems;
}

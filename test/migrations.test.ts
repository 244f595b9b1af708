import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;

describe("drizzle migrations", () => {
  it("have a journal whose entries match the SQL files, in order", () => {
    const journal = JSON.parse(readFileSync(join(root, "drizzle/meta/_journal.json"), "utf8")) as { entries: Array<{ idx: number; tag: string; when: number }> };
    const files = readdirSync(join(root, "drizzle")).filter((file) => file.endsWith(".sql")).sort();
    expect(journal.entries.map((entry) => `${entry.tag}.sql`)).toEqual(files);
    journal.entries.forEach((entry, index) => {
      expect(entry.idx).toBe(index);
      if (index > 0) expect(entry.when).toBeGreaterThan(journal.entries[index - 1]?.when ?? 0);
    });
  });

  it("are in step with the schema: drizzle-kit generates nothing new", () => {
    // drizzle-kit wants an output folder relative to the project.
    const out = join("test-output", `drizzle-check-${process.pid}`);
    mkdirSync(join(root, "test-output"), { recursive: true });
    try {
      cpSync(join(root, "drizzle"), join(root, out), { recursive: true });
      const result = spawnSync(
        join(root, "node_modules/.bin/drizzle-kit"),
        ["generate", "--dialect", "postgresql", "--schema", "./src/db/schema/index.ts", "--out", out, "--casing", "snake_case"],
        { cwd: root, encoding: "utf8" },
      );
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toContain("No schema changes");
      expect(result.stderr).toBe("");
      expect(readdirSync(join(root, out)).filter((file) => file.endsWith(".sql")).length).toBe(readdirSync(join(root, "drizzle")).filter((file) => file.endsWith(".sql")).length);
    } finally {
      rmSync(join(root, out), { recursive: true, force: true });
    }
  });
});

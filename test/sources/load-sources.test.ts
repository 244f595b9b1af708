import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSourcesFile, SourcesFileError } from "../../src/sources/load-sources.js";
import { createSourceRegistry } from "../../src/sources/registry.js";

const dir = mkdtempSync(join(tmpdir(), "cg-sources-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = "Bearer s3cr3t-planted-value";

function write(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("SOURCES_FILE", () => {
  it("defines named Prometheus sources with secrets from the environment or a file", () => {
    const secretFile = write("token", `${SECRET}\n`);
    const path = write(
      "ok.yaml",
      ["sources:", "  - name: prom-eu", "    type: prometheus", "    url: http://prom-eu:9090/", "    headers:", "      Authorization: { fromEnv: PROM_EU_AUTH }",
        "  - name: prom-us", "    type: prometheus", "    url: https://prom-us.example.com", "    headers:", `      Authorization: { fromFile: ${secretFile} }`, ""].join("\n"),
    );
    const sources = loadSourcesFile(path, { PROM_EU_AUTH: SECRET }, 5_000);
    // Prometheus serves metrics and alerts: two adapters, one source in the registry.
    expect(createSourceRegistry(sources).describe()).toEqual([{ name: "prom-eu", type: "prometheus" }, { name: "prom-us", type: "prometheus" }]);
    expect(createSourceRegistry(sources).get("prom-eu")).toMatchObject({ metrics: expect.any(Object), monitors: expect.any(Object) });
    expect(JSON.stringify(sources)).not.toContain(SECRET);
  });

  it("defines Alertmanager, Datadog and http sources; Datadog keys only from the environment or files", () => {
    const path = write(
      "all.yaml",
      [
        "sources:",
        "  - { name: am, type: alertmanager, url: 'http://am:9093' }",
        "  - { name: dd, type: datadog, site: datadoghq.eu, apiKey: { fromEnv: DD_API_KEY }, applicationKey: { fromEnv: DD_APP_KEY } }",
        "  - { name: status, type: http, url: 'https://status.example.com/api', headers: { Authorization: { fromEnv: STATUS_TOKEN } } }",
        "",
      ].join("\n"),
    );
    const sources = loadSourcesFile(path, { DD_API_KEY: SECRET, DD_APP_KEY: `${SECRET}-app`, STATUS_TOKEN: SECRET }, 5_000);
    const registry = createSourceRegistry(sources);
    expect(registry.describe()).toEqual([{ name: "am", type: "alertmanager" }, { name: "dd", type: "datadog" }, { name: "status", type: "http" }]);
    expect(registry.get("dd")).toMatchObject({ metrics: expect.any(Object), monitors: expect.any(Object) });
    expect(registry.get("status")?.http).toBeDefined();
    expect(JSON.stringify(sources)).not.toContain(SECRET);
    const inline = write("inline.yaml", `sources:\n  - { name: dd, type: datadog, apiKey: '${SECRET}', applicationKey: { fromEnv: X } }\n`);
    expect(() => loadSourcesFile(inline, { X: "y" }, 5_000)).toThrowError(/sources\.0\.apiKey: write secrets as \{ fromEnv: NAME \} or \{ fromFile: PATH \}/);
    try {
      loadSourcesFile(inline, { X: "y" }, 5_000);
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  it("names the file and the field of every mistake, never a secret", () => {
    const cases: Array<[string, string]> = [
      ["sources:\n  - name: a\n    type: graphite\n    url: http://a\n", "sources.0.type"],
      ["sources:\n  - name: a\n    type: prometheus\n    url: ftp://a\n", "sources.0.url"],
      ["sources:\n  - name: a\n    type: prometheus\n    url: http://a\n    password: x\n", "sources.0"],
      ["sources:\n  - {name: a, type: prometheus, url: 'http://a'}\n  - {name: a, type: prometheus, url: 'http://b'}\n", "sources.1.name"],
      ["sources:\n  - {name: a, type: prometheus, url: 'http://a', headers: {Authorization: {fromEnv: MISSING_VAR}}}\n", "MISSING_VAR is not set"],
      ["sources: [\n", "bad.yaml"],
    ];
    for (const [text, expected] of cases) {
      const path = write("bad.yaml", text);
      expect(() => loadSourcesFile(path, { OTHER: SECRET }, 5_000)).toThrowError(SourcesFileError);
      try {
        loadSourcesFile(path, { OTHER: SECRET }, 5_000);
      } catch (error) {
        expect((error as Error).message).toContain(path);
        expect((error as Error).message).toContain(expected);
        expect((error as Error).message).not.toContain(SECRET);
      }
    }
    expect(() => loadSourcesFile(join(dir, "absent.yaml"), {}, 5_000)).toThrowError(/absent\.yaml/);
  });
});

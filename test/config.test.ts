import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("loadConfig", () => {
  it("has defaults that serve on 127.0.0.1:8080 with PGlite in ./.data", () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: "127.0.0.1",
      databaseUrl: undefined,
      dataDir: "./.data",
      gatesDir: undefined,
      prometheusUrl: undefined,
      sourcesFile: undefined,
      publicUrl: "http://127.0.0.1:8080",
      grafanaUrl: undefined,
      approversFile: undefined,
      notificationsFile: undefined,
      logLevel: "info",
      schedulerTickMs: 5_000,
      schedulerEnabled: true,
      schedulerLeaseMs: undefined,
      sourceTimeoutMs: 10_000,
      auth: { enabled: true, adminToken: undefined, publicVerdicts: false, publicPages: false, corsOrigins: [], rateLimitPerMinute: 600 },
    });
  });

  it("reads the security settings, and refuses a short admin token without echoing it", () => {
    const auth = loadConfig({ CANARY_GATE_ADMIN_TOKEN: "x".repeat(32), AUTH: "off", PUBLIC_VERDICTS: "true", PUBLIC_PAGES: "true", CORS_ORIGINS: "https://a.example, http://b.example:8080", RATE_LIMIT_PER_MINUTE: "60" }).auth;
    expect(auth).toEqual({ enabled: false, adminToken: "x".repeat(32), publicVerdicts: true, publicPages: true, corsOrigins: ["https://a.example", "http://b.example:8080"], rateLimitPerMinute: 60 });
    expect(() => loadConfig({ CANARY_GATE_ADMIN_TOKEN: "short-PLANTED" })).toThrow(/CANARY_GATE_ADMIN_TOKEN: must be at least 32 characters/);
    expect(() => loadConfig({ CANARY_GATE_ADMIN_TOKEN: "short-PLANTED" })).not.toThrow(/PLANTED/);
    expect(() => loadConfig({ CORS_ORIGINS: "*" })).toThrow(/CORS_ORIGINS/);
  });

  it("reads every variable and treats empty ones as unset", () => {
    const config = loadConfig({
      PORT: "9000",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://u@db:5432/cg",
      PROMETHEUS_URL: "http://prom:9090/",
      PUBLIC_URL: "https://gate.example.com/",
      SCHEDULER_TICK: "2s",
      LOG_LEVEL: "debug",
      GATES_DIR: "",
    });
    expect(config).toMatchObject({ port: 9000, prometheusUrl: "http://prom:9090", publicUrl: "https://gate.example.com", schedulerTickMs: 2_000, logLevel: "debug", gatesDir: undefined });
    expect(loadConfig({ HOST: "0.0.0.0", PORT: "9000" }).publicUrl).toBe("http://127.0.0.1:9000");
  });

  it("stops with a message naming each bad variable", () => {
    const bad = { PORT: "eighty", DATABASE_URL: "mysql://x", SCHEDULER_TICK: "often", PROMETHEUS_URL: "prom:9090", LOG_LEVEL: "loud" };
    try {
      loadConfig(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of Object.keys(bad)) expect(message).toContain(`${name}:`);
    }
  });
});

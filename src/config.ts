import { z } from "zod";
import { parseDuration } from "./analysis/duration.js";

const LogLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  GATES_DIR: z.string().min(1).optional(),
  PROMETHEUS_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  SOURCES_FILE: z.string().min(1).optional(),
  PUBLIC_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  APPROVERS_FILE: z.string().min(1).optional(),
  NOTIFICATIONS_FILE: z.string().min(1).optional(),
  GRAFANA_URL: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).optional(),
  LOG_LEVEL: LogLevel.default("info"),
  SCHEDULER_TICK: z
    .string()
    .default("5s")
    .refine((text) => (parseDuration(text) ?? 0) >= 100, "must be a duration of at least 100ms, such as 5s"),
  SCHEDULER_ENABLED: z.enum(["true", "false"]).default("true"),
  SCHEDULER_LEASE: z
    .string()
    .optional()
    .refine((text) => text === undefined || (parseDuration(text) ?? 0) >= 1_000, "must be a duration of at least 1s, such as 30s"),
  SOURCE_TIMEOUT: z
    .string()
    .default("10s")
    .refine((text) => (parseDuration(text) ?? 0) >= 100, "must be a duration of at least 100ms, such as 10s"),
  CANARY_GATE_ADMIN_TOKEN: z.string().min(32, "must be at least 32 characters (e.g. openssl rand -hex 32)").optional(),
  AUTH: z.enum(["on", "off"]).default("on"),
  PUBLIC_VERDICTS: z.enum(["true", "false"]).default("false"),
  PUBLIC_PAGES: z.enum(["true", "false"]).default("false"),
  CORS_ORIGINS: z
    .string()
    .default("")
    .refine((text) => splitList(text).every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)), "must be a comma-separated list of origins such as https://deploy.example.com"),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
});

const splitList = (text: string) => text.split(",").map((item) => item.trim()).filter(Boolean);

export interface Config {
  port: number;
  host: string;
  /** Unset: embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  gatesDir: string | undefined;
  prometheusUrl: string | undefined;
  sourcesFile: string | undefined;
  /** Base of the links the API returns; defaults to the listening address. */
  publicUrl: string;
  approversFile: string | undefined;
  notificationsFile: string | undefined;
  /** A Grafana with the dashboards of dashboards/: pages link to its panels and Explore. */
  grafanaUrl: string | undefined;
  logLevel: z.infer<typeof LogLevel>;
  schedulerTickMs: number;
  schedulerEnabled: boolean;
  /** How long a claimed rollout stays with its replica; default max(10s, 3 × SOURCE_TIMEOUT). */
  schedulerLeaseMs: number | undefined;
  sourceTimeoutMs: number;
  auth: AuthConfig;
}

export interface AuthConfig {
  /** False only with AUTH=off: every route is open (for a laptop; never on a network). */
  enabled: boolean;
  /** The bootstrap admin token (CANARY_GATE_ADMIN_TOKEN); never logged. */
  adminToken: string | undefined;
  /** Verdict-reading routes answer without a token (deploy tools on a trusted network). */
  publicVerdicts: boolean;
  /** The investigation pages answer without signing in. */
  publicPages: boolean;
  /** Origins allowed by CORS; none by default. */
  corsOrigins: string[];
  rateLimitPerMinute: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/** Reads the configuration from an environment object. Pure: the caller passes `process.env`. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const e = parsed.data;
  const listenHost = e.HOST === "0.0.0.0" || e.HOST === "::" ? "127.0.0.1" : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    gatesDir: e.GATES_DIR,
    prometheusUrl: e.PROMETHEUS_URL?.replace(/\/+$/, ""),
    sourcesFile: e.SOURCES_FILE,
    publicUrl: (e.PUBLIC_URL ?? `http://${listenHost}:${e.PORT}`).replace(/\/+$/, ""),
    grafanaUrl: e.GRAFANA_URL?.replace(/\/+$/, ""),
    approversFile: e.APPROVERS_FILE,
    notificationsFile: e.NOTIFICATIONS_FILE,
    logLevel: e.LOG_LEVEL,
    schedulerTickMs: parseDuration(e.SCHEDULER_TICK) ?? 5_000,
    schedulerEnabled: e.SCHEDULER_ENABLED === "true",
    schedulerLeaseMs: e.SCHEDULER_LEASE ? parseDuration(e.SCHEDULER_LEASE) : undefined,
    sourceTimeoutMs: parseDuration(e.SOURCE_TIMEOUT) ?? 10_000,
    auth: {
      enabled: e.AUTH === "on",
      adminToken: e.CANARY_GATE_ADMIN_TOKEN,
      publicVerdicts: e.PUBLIC_VERDICTS === "true",
      publicPages: e.PUBLIC_PAGES === "true",
      corsOrigins: splitList(e.CORS_ORIGINS),
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    },
  };
}

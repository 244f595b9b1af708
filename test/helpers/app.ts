import { createApproverDirectory } from "../../src/http/approvers.js";
import { APPROVERS } from "./approvers.js";
import { createApp, type AppDeps } from "../../src/app.js";
import type { AuthConfig } from "../../src/config.js";
import type { NotificationTargets } from "../../src/evaluation/notifications.js";
import { createSourceRegistry } from "../../src/sources/registry.js";
import type { AnySource } from "../../src/sources/registry.js";
import { createLogger, type Logger } from "../../src/telemetry/logger.js";
import { createMeters, type Meters } from "../../src/telemetry/meters.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  database: TestDatabase;
  /** The bootstrap admin token the app accepts (CANARY_GATE_ADMIN_TOKEN). */
  adminToken: string;
  /** Headers carrying the admin token, for tests that call `app.request` directly. */
  adminHeaders: Record<string, string>;
  /**
   * Sends a JSON request and returns status, headers and parsed body. It sends the admin token unless
   * the headers set `authorization` themselves (an empty string sends none).
   */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export const PUBLIC_URL = "http://canary-gate.test";
export const TEST_ADMIN_TOKEN = "cg_test-admin-token-0123456789abcdef0123456789";

/** Auth as in production (on, no public routes), with a limit high enough for tests that send thousands of requests. */
const TEST_AUTH: AuthConfig = { enabled: true, adminToken: TEST_ADMIN_TOKEN, publicVerdicts: false, publicPages: false, corsOrigins: [], rateLimitPerMinute: 1_000_000 };

/** The real app on a fresh database, with the sources and clock a test gives it. */
export async function createTestApp(options: { sources?: AnySource[]; grafanaUrl?: string; meters?: Meters; logger?: Logger; notifications?: NotificationTargets; now?: () => Date; sourceTimeoutMs?: number; auth?: Partial<AuthConfig> } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const logger = options.logger ?? createLogger({ level: "silent" });
  const sources = createSourceRegistry(options.sources ?? []);
  const now = options.now ?? (() => new Date());
  const meters = options.meters ?? createMeters();
  const evaluation = { db: database.db, sources, now, sourceTimeoutMs: options.sourceTimeoutMs ?? 5_000, logger, meters, notifications: options.notifications ?? [], publicUrl: PUBLIC_URL };
  const deps: AppDeps = { config: { publicUrl: PUBLIC_URL, grafanaUrl: options.grafanaUrl, auth: { ...TEST_AUTH, ...options.auth } }, db: database.db, sources, logger, now, evaluation, meters, approvers: createApproverDirectory(APPROVERS), isAcceptingWork: () => true };
  const app = createApp(deps);
  return {
    app,
    deps,
    database,
    adminToken: TEST_ADMIN_TOKEN,
    adminHeaders: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    async request(method, path, body, headers = {}) {
      const { authorization = `Bearer ${TEST_ADMIN_TOKEN}`, ...rest } = headers;
      const init: RequestInit = { method, headers: authorization ? { ...rest, authorization } : rest };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] ??= "application/json";
      }
      const response = await app.request(path, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Non-JSON bodies (HTML pages) are returned as text.
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    close: () => database.close(),
  };
}

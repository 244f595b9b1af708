import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { ConfigError, loadConfig, type Config } from "./config.js";
import { countPendingMigrations, migrateDatabase, openDatabase } from "./db/client.js";
import { saveGate } from "./db/queries/gates.js";
import { loadNotificationTargets, NotificationsFileError } from "./evaluation/load-notification-targets.js";
import { createNotifier } from "./evaluation/notifier.js";
import { createScheduler } from "./evaluation/scheduler.js";
import { ApproversFileError, createApproverDirectory, loadApprovers } from "./http/approvers.js";
import { GateFileError, loadGateFiles } from "./gates/load-gate-files.js";
import { loadSourcesFile, SourcesFileError } from "./sources/load-sources.js";
import { createPrometheusSource } from "./sources/prometheus.js";
import { createPrometheusAlertsSource } from "./sources/prometheus-alerts.js";
import { createSourceRegistry, type AnySource } from "./sources/registry.js";
import { countOpenRollouts } from "./db/queries/rollouts.js";
import { hasActiveAdminToken } from "./auth/queries.js";
import { createLogger } from "./telemetry/logger.js";
import { createMeters } from "./telemetry/meters.js";

const SHUTDOWN_DEADLINE_MS = 20_000;
/**
 * The shortest scheduler lease. A lease that ends too early costs a wasted evaluation, never a
 * duplicate (recordEvaluation drops the write of a replica that lost its lease), while a long one
 * delays the rollouts of a crashed replica by as much; so: 3 × SOURCE_TIMEOUT, at least 10 s.
 */
const LEASE_FLOOR_MS = 10_000;

class StartupError extends Error {}

function buildSources(config: Config, env: Record<string, string | undefined>): AnySource[] {
  const sources: AnySource[] = [];
  if (config.prometheusUrl) {
    const options = { name: "prometheus", url: config.prometheusUrl, timeoutMs: config.sourceTimeoutMs };
    sources.push(createPrometheusSource(options), createPrometheusAlertsSource(options));
  }
  if (config.sourcesFile) {
    const fromFile = loadSourcesFile(config.sourcesFile, env, config.sourceTimeoutMs);
    if (config.prometheusUrl && fromFile.some((source) => source.name === "prometheus")) {
      throw new SourcesFileError(`SOURCES_FILE ${config.sourcesFile}: source "prometheus" is already defined by PROMETHEUS_URL`);
    }
    sources.push(...fromFile);
  }
  return sources;
}

/** Composition root: config → database → sources → gates → scheduler → HTTP server → shutdown. */
async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  const sources = createSourceRegistry(buildSources(config, process.env));
  const gateFiles = config.gatesDir ? loadGateFiles(config.gatesDir, sources.describe()) : [];

  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  if (database.kind === "pglite") await migrateDatabase(database);
  const pending = await countPendingMigrations(database);
  if (pending > 0) {
    await database.close();
    throw new StartupError(`the database at DATABASE_URL lacks ${pending} migration(s): run \`npm run migrate\` (or \`node dist/migrate.js\`) first`);
  }
  for (const file of gateFiles) {
    const { gate, created } = await saveGate(database.db, { name: file.name, definition: file.definition, origin: `file:${file.file}` });
    logger.info({ event: "gate.loaded", gate: gate.name, version: gate.version, created }, "gate loaded");
  }

  const now = () => new Date();
  if (!config.auth.enabled) {
    logger.warn({ event: "auth.off" }, "AUTH=off: every route is open to anyone who can reach this address");
  } else if (!config.auth.adminToken && !(await hasActiveAdminToken(database.db, { now: now() }))) {
    await database.close();
    throw new StartupError(
      "no admin token: set CANARY_GATE_ADMIN_TOKEN to a secret of at least 32 characters (e.g. `openssl rand -hex 32`), or AUTH=off to run with every route open (a laptop only)",
    );
  }
  const meters = createMeters();
  meters.activeRollouts.addCallback(async (observer) => observer.observe(await countOpenRollouts(database.db)));
  const targets = config.notificationsFile ? loadNotificationTargets(config.notificationsFile, process.env) : [];
  const approvers = config.approversFile ? loadApprovers(config.approversFile, process.env) : createApproverDirectory([]);
  const evaluation = { db: database.db, sources, now, sourceTimeoutMs: config.sourceTimeoutMs, logger, meters, notifications: targets, publicUrl: config.publicUrl };
  const notifier = createNotifier({ db: database.db, targets, logger, now });
  const scheduler = createScheduler(evaluation, {
    tickMs: config.schedulerTickMs,
    leaseMs: config.schedulerLeaseMs ?? Math.max(LEASE_FLOOR_MS, 3 * config.sourceTimeoutMs),
    batchSize: 20,
  });
  let accepting = true;
  const app = createApp({ config, db: database.db, sources, logger, now, evaluation, meters, approvers, isAcceptingWork: () => accepting });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info(
      { event: "server.started", address: `http://${info.address}:${info.port}`, database: database.kind, sources: sources.describe().map((source) => `${source.name} (${source.type})`), gates: gateFiles.length },
      `Canary Gate listening on http://${info.address}:${info.port}`,
    );
  });
  if (config.schedulerEnabled) {
    scheduler.start();
    notifier.start();
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    accepting = false;
    logger.info({ event: "server.stopping", signal }, "shutting down");
    await scheduler.stop(SHUTDOWN_DEADLINE_MS);
    await notifier.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
    logger.info({ event: "server.stopped" }, "stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  const known = [ConfigError, GateFileError, SourcesFileError, StartupError, ApproversFileError, NotificationsFileError];
  if (known.some((kind) => error instanceof kind)) {
    process.stderr.write(`canary-gate: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(`canary-gate: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});

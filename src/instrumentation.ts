/**
 * OpenTelemetry for the service, loaded before the app with `node --import ./dist/instrumentation.js`.
 * Configured only by the standard OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME,
 * OTEL_TRACES_SAMPLER, OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, ...); OTEL_SDK_DISABLED=true turns it
 * off. It imports nothing from the app. No auto-instrumentation: the app makes its own server span per
 * request (so there is exactly one) and its own spans for evaluations, checks and source requests.
 */
import { NodeSDK } from "@opentelemetry/sdk-node";

if (process.env.OTEL_SDK_DISABLED !== "true") {
  process.env.OTEL_SERVICE_NAME ??= "canary-gate";
  const sdk = new NodeSDK({ instrumentations: [] });
  sdk.start();
  const shutdown = () => void sdk.shutdown().catch(() => undefined);
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

import { z } from "@hono/zod-openapi";
import type { StartRolloutInput } from "../../../evaluation/start-rollout.js";
import { CreateRolloutBody } from "../rollouts/schemas.js";
import { FlaggerHooks } from "./status-codes.js";

/** What Flagger POSTs to every webhook (pkg/controller/webhook.go); unknown fields are ignored. */
export const FlaggerWebhookBody = z
  .object({
    name: z.string().min(1).max(253).openapi({ description: "The Canary's name; the service unless metadata.service is set.", example: "checkout" }),
    namespace: z.string().min(1).max(253).openapi({ description: "The Canary's namespace; the environment unless metadata.environment is set.", example: "prod" }),
    phase: z.string().max(64).optional().openapi({ example: "Progressing" }),
    checksum: z.string().max(200).optional().openapi({ description: "Identifies one analysis run of one Canary revision; the version unless metadata.version is set." }),
    metadata: z
      .record(z.string(), z.string())
      .optional()
      .openapi({
        description:
          "The webhook's metadata: gate (required), and optionally service, environment, version, baselineVersion and labels.NAME. Other keys are ignored.",
        example: { gate: "web-latency-errors", version: "1.8.0", baselineVersion: "1.7.3", "labels.region": "eu-west-1" },
      }),
  })
  .openapi("FlaggerWebhook");
export type FlaggerWebhookBody = z.infer<typeof FlaggerWebhookBody>;

export const FlaggerParams = z.object({
  hook: z.enum(FlaggerHooks).openapi({ param: { name: "hook", in: "path" }, description: "The webhook's `type` in the Canary, one URL per type.", example: "rollout" }),
});

export const CHECKSUM_LABEL = "flagger.checksum";
const CANARY_LABEL = "flagger.canary";

type Mapped = { ok: true; input: StartRolloutInput; checksum: string | undefined } | { ok: false; errors: Array<{ path: string; message: string }> };

/** Maps a Flagger webhook to a rollout identity, naming the body field each bad value came from. */
export function flaggerIdentity(body: FlaggerWebhookBody): Mapped {
  const metadata = body.metadata ?? {};
  const checksum = body.checksum || undefined;
  const from = (key: string, fallback: string | undefined, fallbackPath: string): [string | undefined, string] =>
    metadata[key] !== undefined ? [metadata[key], `body.metadata.${key}`] : [fallback, fallbackPath];
  const fields = {
    gate: from("gate", undefined, "body.metadata.gate"),
    service: from("service", body.name, "body.name"),
    environment: from("environment", body.namespace, "body.namespace"),
    version: from("version", checksum, "body.checksum"),
    baselineVersion: from("baselineVersion", undefined, "body.metadata.baselineVersion"),
  };
  const labels: Record<string, string> = { [CANARY_LABEL]: `${body.namespace}/${body.name}` };
  if (checksum) labels[CHECKSUM_LABEL] = checksum;
  for (const [key, value] of Object.entries(metadata)) if (key.startsWith("labels.")) labels[key.slice("labels.".length)] = value;

  const candidate = { ...Object.fromEntries(Object.entries(fields).map(([key, [value]]) => [key, value])), labels };
  const parsed = CreateRolloutBody.safeParse(candidate);
  if (parsed.success) return { ok: true, input: parsed.data, checksum };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      const [field, ...rest] = issue.path.map(String);
      const where = field === "labels" ? `body.metadata.labels.${rest.join(".")}` : (fields[field as keyof typeof fields]?.[1] ?? `body.${field}`);
      return { path: where, message: missingMessage(field, candidate) ?? issue.message };
    }),
  };
}

function missingMessage(field: string | undefined, candidate: Record<string, unknown>): string | undefined {
  if (candidate[field ?? ""] !== undefined) return undefined;
  if (field === "gate") return "is required: name the gate in the webhook's metadata (gate: NAME)";
  if (field === "version") return "is required: set metadata.version, or use a Flagger that sends the checksum";
  return undefined;
}

import { formatDuration } from "../analysis/duration.js";
import { GateNotFound, RolloutInvalid } from "../analysis/errors.js";
import { templatesOf } from "../analysis/check-schema.js";
import { gateTiming, type GateDefinition } from "../analysis/gate.js";
import { initialPolicyState } from "../analysis/policy.js";
import { labelsUsedBy } from "../analysis/template.js";
import type { Database } from "../db/client.js";
import { findGate } from "../db/queries/gates.js";
import { insertRollout, type RolloutRow } from "../db/queries/rollouts.js";

export interface StartRolloutInput {
  gate: string;
  service: string;
  environment: string;
  version: string;
  baselineVersion?: string | undefined;
  startedAt?: string | undefined;
  labels?: Record<string, string> | undefined;
  properties?: Record<string, unknown> | undefined;
  phase?: "entry" | "exit" | undefined;
}

const MAX_FUTURE_MS = 5 * 60_000;
const MAX_PAST_MS = 30 * 86_400_000;

/**
 * Starts the analysis of a rollout with the gate's latest version, or returns the open rollout
 * with the same gate, service, environment and version (so deploy tools can retry safely).
 */
export async function startRollout(
  deps: { db: Database; now: () => Date },
  input: StartRolloutInput,
): Promise<{ rollout: RolloutRow; created: boolean }> {
  const gate = await findGate(deps.db, { name: input.gate });
  if (!gate) throw new GateNotFound(input.gate);
  const now = deps.now();
  const startedAt = input.startedAt ? new Date(input.startedAt) : now;
  if (startedAt.getTime() > now.getTime() + MAX_FUTURE_MS) {
    throw new RolloutInvalid([{ path: "body.startedAt", message: "is more than 5 minutes in the future" }]);
  }
  if (startedAt.getTime() < now.getTime() - MAX_PAST_MS) {
    throw new RolloutInvalid([{ path: "body.startedAt", message: "is more than 30 days in the past" }]);
  }
  const missing = missingLabels(gate.definition, input.labels ?? {});
  if (missing.length > 0) {
    throw new RolloutInvalid(missing.map((name) => ({ path: `body.labels.${name}`, message: `gate "${input.gate}" uses {{labels.${name}}} in a query, so this label is required` })));
  }
  const timing = gateTiming(gate.definition);
  const firstDue = new Date(startedAt.getTime() + timing.delayMs);
  return insertRollout(deps.db, {
    gateName: gate.name,
    gateVersion: gate.version,
    service: input.service,
    environment: input.environment,
    version: input.version,
    baselineVersion: input.baselineVersion ?? null,
    labels: input.labels ?? {},
    properties: input.properties ?? {},
    phase: input.phase ?? gate.definition.phase,
    startedAt,
    reason: `Waiting for the ${formatDuration(timing.delayMs)} stabilisation delay; the first evaluation is due at ${firstDue.toISOString()}.`,
    nextEvaluationAt: firstDue,
    policyState: initialPolicyState,
  });
}

function missingLabels(gate: GateDefinition, labels: Record<string, string>): string[] {
  const templates = gate.checks.flatMap(templatesOf);
  const used = new Set(templates.flatMap(labelsUsedBy));
  return [...used].filter((name) => labels[name] === undefined).sort();
}

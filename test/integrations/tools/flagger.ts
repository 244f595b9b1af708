import type { Send } from "./http.js";

// Flagger's webhooks (pkg/controller/webhook.go) and the order its scheduler calls them in on each tick
// (scheduler.go, research/argo-flagger.md §3.3-3.5): always POST JSON, a hook passes on 200-202 only.

export interface FlaggerWebhook {
  name: string;
  type: string;
  url: string;
  timeout?: string;
  metadata?: Record<string, string>;
}

export interface CanarySpec {
  metadata: { name: string; namespace: string };
  spec: { analysis: { threshold?: number; maxWeight?: number; stepWeight?: number; webhooks: FlaggerWebhook[] } };
}

export interface HookCall {
  hook: string;
  type: string;
  status: number;
  passed: boolean;
  body: string;
}

export async function callWebhook(canary: CanarySpec, hook: FlaggerWebhook, phase: string, checksum: string, send: Send): Promise<HookCall> {
  const payload = { name: canary.metadata.name, namespace: canary.metadata.namespace, phase, checksum, metadata: hook.metadata ?? {} };
  const answer = await send({ method: "POST", url: hook.url, headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  return { hook: hook.name, type: hook.type, status: answer.status, passed: answer.status >= 200 && answer.status <= 202, body: answer.body };
}

export type CanaryPhase = "Progressing" | "WaitingPromotion" | "Succeeded" | "Failed";

/** The canary-strategy part of Flagger's scheduler, one `tick()` per analysis interval. */
export class FlaggerScheduler {
  phase: CanaryPhase = "Progressing";
  weight = 0;
  failedChecks = 0;
  private iterations = 0;
  readonly calls: HookCall[] = [];

  constructor(
    private readonly canary: CanarySpec,
    private readonly checksum: string,
    private readonly send: Send,
  ) {}

  async tick(): Promise<CanaryPhase> {
    if (this.phase === "Succeeded" || this.phase === "Failed") return this.phase;
    const analysis = this.canary.spec.analysis;
    if (await this.anyPasses("rollback")) return this.finish("Failed");
    if (this.failedChecks >= (analysis.threshold ?? 1)) return this.finish("Failed");
    if (this.weight === 0 && this.iterations === 0 && !(await this.allPass("pre-rollout"))) return this.failCheck();
    if (!(await this.allPass("rollout"))) return this.failCheck();
    this.iterations++;
    const maxWeight = analysis.maxWeight ?? 100;
    if (this.weight < maxWeight) {
      if (!(await this.allPass("confirm-traffic-increase"))) return this.phase;
      this.weight = Math.min(maxWeight, this.weight + (analysis.stepWeight ?? 10));
      return this.phase;
    }
    if (!(await this.allPass("confirm-promotion"))) {
      this.phase = "WaitingPromotion";
      return this.phase;
    }
    return this.finish("Succeeded");
  }

  private failCheck(): CanaryPhase {
    this.failedChecks++;
    return this.phase;
  }

  private async finish(phase: "Succeeded" | "Failed"): Promise<CanaryPhase> {
    this.phase = phase;
    this.weight = 0;
    await this.run("post-rollout");
    return phase;
  }

  private async allPass(type: string): Promise<boolean> {
    return (await this.run(type)).every((call) => call.passed);
  }

  private async anyPasses(type: string): Promise<boolean> {
    return (await this.run(type)).some((call) => call.passed);
  }

  private async run(type: string): Promise<HookCall[]> {
    const calls: HookCall[] = [];
    for (const hook of this.canary.spec.analysis.webhooks.filter((candidate) => candidate.type === type)) {
      calls.push(await callWebhook(this.canary, hook, this.phase === "WaitingPromotion" ? "WaitingPromotion" : this.phase, this.checksum, this.send));
    }
    this.calls.push(...calls);
    return calls;
  }
}

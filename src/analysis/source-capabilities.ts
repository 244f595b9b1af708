/** What each source type can serve, so gates are checked against their sources when they are defined. */
export interface SourceCapabilities {
  /** Metric check kinds it can answer. */
  metricKinds: ReadonlyArray<"series" | "counts" | "histogram">;
  /** Monitor check selection fields it understands; empty: no monitor checks. */
  monitorFields: ReadonlyArray<"alertname" | "selector" | "query" | "monitorIds">;
  /** Whether `type: http` checks may use it. */
  http: boolean;
}

export const SOURCE_CAPABILITIES: Record<string, SourceCapabilities> = {
  prometheus: { metricKinds: ["series", "counts", "histogram"], monitorFields: ["alertname", "selector"], http: false },
  alertmanager: { metricKinds: [], monitorFields: ["alertname", "selector"], http: false },
  datadog: { metricKinds: ["series", "counts"], monitorFields: ["query", "monitorIds"], http: false },
  http: { metricKinds: ["series"], monitorFields: [], http: true },
};

/** Capabilities of a source type; a type this build does not know can do nothing. */
export function capabilitiesOf(type: string): SourceCapabilities {
  return SOURCE_CAPABILITIES[type] ?? { metricKinds: [], monitorFields: [], http: false };
}

import type { HttpJsonSource, MetricSource, MonitorSource, SourceSettings } from "./types.js";

export type AnySource = MetricSource | MonitorSource | HttpJsonSource;

/** One configured source with what it can do: metrics, monitor states, or JSON requests. */
export interface SourceEntry {
  name: string;
  type: string;
  metrics?: MetricSource;
  monitors?: MonitorSource;
  http?: HttpJsonSource;
  /** How it is configured, without secret values; unset for sources built in code without one. */
  settings?: SourceSettings;
}

/** The configured sources by name. Gates refer to sources only by these names. */
export interface SourceRegistry {
  get(name: string): SourceEntry | undefined;
  /** Name and type of every source, for gate validation. */
  describe(): Array<{ name: string; type: string }>;
}

/**
 * Builds the registry from adapters. Adapters with the same name and type are one source with several
 * capabilities (Prometheus serves both metrics and alerts from one URL).
 */
export function createSourceRegistry(sources: AnySource[]): SourceRegistry {
  const byName = new Map<string, SourceEntry>();
  for (const source of sources) {
    const entry = byName.get(source.name) ?? { name: source.name, type: source.type };
    if (entry.type !== source.type) throw new Error(`source "${source.name}" is defined twice, as ${entry.type} and ${source.type}`);
    if ("queryRange" in source) entry.metrics = source;
    if ("listMonitors" in source) entry.monitors = source;
    if ("request" in source) entry.http = source;
    entry.settings ??= source.settings;
    byName.set(source.name, entry);
  }
  return {
    get: (name) => byName.get(name),
    describe: () => [...byName.values()].map(({ name, type }) => ({ name, type })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

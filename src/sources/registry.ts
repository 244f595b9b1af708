import type { MetricSource } from "./types.js";

/** The configured sources by name. Gates refer to sources only by these names. */
export interface SourceRegistry {
  get(name: string): MetricSource | undefined;
  names(): string[];
}

export function createSourceRegistry(sources: MetricSource[]): SourceRegistry {
  const byName = new Map(sources.map((source) => [source.name, source]));
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()].sort(),
  };
}

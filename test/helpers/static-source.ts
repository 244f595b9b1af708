import { SourceError, type MetricSource, type QueryWindow, type SeriesData } from "../../src/sources/types.js";

/**
 * A small in-process source for route tests: answers each query with the values registered for
 * it, one point per step across the window. Prometheus itself is exercised in test/e2e.
 */
export class StaticSource implements MetricSource {
  // Stands in for Prometheus in route tests, so gates are validated as for a Prometheus source.
  readonly type = "prometheus";
  readonly queries: string[] = [];
  private readonly answers = new Map<string, number[] | SourceError>();

  constructor(readonly name = "prometheus") {}

  set(query: string, answer: number[] | SourceError): this {
    this.answers.set(query, answer);
    return this;
  }

  async queryRange(query: string, window: QueryWindow): Promise<SeriesData | null> {
    this.queries.push(query);
    const answer = this.answers.get(query);
    if (answer instanceof SourceError) throw answer;
    if (!answer || answer.length === 0) return null;
    const start = window.start.getTime() / 1000;
    return { labels: {}, timestamps: answer.map((_, index) => start + index * window.stepSeconds), values: answer };
  }

  queryLink(query: string): string {
    return `http://static.test/graph?q=${encodeURIComponent(query)}`;
  }
}

import type { QueryWindow } from "../sources/types.js";

/**
 * One evaluation's source answers, by source, kind, query and window. Checks of a gate often read the same
 * series (an error rate judged by two tests, one histogram by a quantile and a distribution test), and each
 * answer is fetched once per evaluation. Answers are shared, so readers must not change them.
 */
export type SharedFetches = Map<string, Promise<unknown>>;

/** The answer to `key` already asked for in this evaluation, or `fetch`'s, remembered for the next reader. */
export function fetchOnce<T>(shared: SharedFetches | undefined, key: string, fetch: () => Promise<T>): Promise<T> {
  if (!shared) return fetch();
  const known = shared.get(key);
  if (known) return known as Promise<T>;
  const started = fetch();
  shared.set(key, started);
  return started;
}

export function fetchKey(source: string, kind: "series" | "buckets", query: string, window: QueryWindow): string {
  return `${source}\n${kind}\n${window.start.getTime()}\n${window.end.getTime()}\n${window.stepSeconds}\n${query}`;
}

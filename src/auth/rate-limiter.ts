/** A token bucket per key, in this process's memory: with several replicas, each enforces its own limit. */
export interface RateLimiter {
  /** Takes one request from the key's bucket: 0 when allowed, else the seconds to wait. */
  take(key: string): number;
}

export function createRateLimiter(options: { perMinute: number; now: () => Date }): RateLimiter {
  const capacity = options.perMinute;
  const perMs = options.perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const at = options.now().getTime();
      const bucket = buckets.get(key) ?? { tokens: capacity, at };
      bucket.tokens = Math.min(capacity, bucket.tokens + Math.max(0, at - bucket.at) * perMs);
      bucket.at = at;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    },
  };
}

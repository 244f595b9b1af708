import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initialPolicyState } from "../../src/analysis/policy.js";
import { createAuthenticator } from "../../src/auth/authenticator.js";
import { insertApiToken, revokeApiToken } from "../../src/auth/queries.js";
import { generateSecret, hashSecret } from "../../src/auth/secrets.js";
import { openDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { announce, cachedRead, evictChanged } from "../../src/db/notified-cache.js";
import { finishRollout } from "../../src/db/queries/evaluations.js";
import { findVerdict, insertRollout } from "../../src/db/queries/rollouts.js";
import { rollouts } from "../../src/db/schema/index.js";
import { createApproverDirectory } from "../../src/http/approvers.js";
import { createTestDatabase, type TestDatabase } from "../helpers/database.js";

/**
 * The process-local caches of verdicts and tokens: hits, shared misses, eviction by NOTIFY. A second
 * `openDatabase` handle on the same PostgreSQL database stands for another replica (its own pool,
 * LISTEN connection and caches); PGlite is one process, so the replica cases run on PostgreSQL only.
 */
let database: TestDatabase;
let replica: DatabaseHandle | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  if (database.url) replica = await openDatabase({ url: database.url, dataDir: "", poolMax: 2 });
});
afterAll(async () => {
  await replica?.close();
  await database.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 10 ms until it holds; returns the milliseconds it took. */
async function within(ms: number, probe: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await probe())) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await sleep(10);
  }
  return performance.now() - started;
}

async function newRollout(service: string) {
  const now = new Date();
  const { rollout } = await insertRollout(database.db, {
    gateName: "latency",
    gateVersion: 1,
    service,
    environment: "production",
    version: "v2",
    startedAt: now,
    reason: "Waiting for the first evaluation.",
    nextEvaluationAt: now,
    policyState: initialPolicyState,
  });
  return rollout;
}

describe("notified cache", () => {
  // A channel of its own and a TTL far beyond the test, so only notifications can evict.
  const options = { channel: "canary_gate_test_changed", ttlMs: 600_000, maxEntries: 100 };

  it("serves repeated and concurrent reads of one key with one query once the LISTEN is up", async () => {
    let reads = 0;
    const read = async () => {
      reads += 1;
      await sleep(20);
      return { value: reads };
    };
    await cachedRead(database.db, options, "warm-up", read);
    await sleep(200); // the LISTEN connection comes up
    reads = 0;
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => cachedRead(database.db, options, "k", read)));
    expect(reads).toBe(1);
    expect(new Set(concurrent.map((row) => row?.value))).toEqual(new Set([1]));
    expect(await cachedRead(database.db, options, "k", read)).toEqual({ value: 1 });
    expect(reads).toBe(1);
    evictChanged(database.db, options.channel, "k");
    expect(await cachedRead(database.db, options, "k", read)).toEqual({ value: 2 });
  });

  it("drops an entry when a committed transaction announces it, and not before", async () => {
    let value = "old";
    const read = async () => ({ value });
    await cachedRead(database.db, options, "row", read);
    await sleep(200);
    await cachedRead(database.db, options, "row", read);
    await database.db.transaction(async (tx) => {
      value = "new";
      await announce(tx, options.channel, "row");
      await sleep(100);
      // Not committed yet: nothing was delivered.
      expect((await cachedRead(database.db, options, "row", read))?.value).toBe("old");
    });
    await within(2_000, async () => (await cachedRead(database.db, options, "row", read))?.value === "new");
  });

  it("does not cache a read that raced with a notification", async () => {
    let reads = 0;
    let release = () => undefined as void;
    const slow = () =>
      new Promise<{ n: number }>((resolve) => {
        reads += 1;
        const n = reads;
        release = () => resolve({ n });
      });
    await cachedRead(database.db, options, "warm", async () => ({ n: 0 }));
    await sleep(200);
    const first = cachedRead(database.db, options, "raced", slow);
    evictChanged(database.db, options.channel, "raced");
    release();
    expect((await first)?.n).toBe(1);
    // The eviction came while the first read ran: its row was not kept, so this reads again.
    const second = cachedRead(database.db, options, "raced", slow);
    release();
    expect((await second)?.n).toBe(2);
  });
});

describe.runIf(process.env.TEST_DATABASE === "postgres")("across replicas", () => {
  it("a verdict cached by one replica is replaced when another replica finishes the rollout, well before the TTL", async () => {
    const other = replica as DatabaseHandle;
    const rollout = await newRollout("checkout");
    await findVerdict(other.db, { id: rollout.id });
    await sleep(300);
    expect((await findVerdict(other.db, { id: rollout.id }))?.verdict).toBe("pending");
    // A direct write without an announcement stays invisible to the replica's cache: the cache is live.
    await database.db.update(rollouts).set({ reason: "changed behind the cache's back" }).where(eq(rollouts.id, rollout.id));
    expect((await findVerdict(other.db, { id: rollout.id }))?.reason).toBe("Waiting for the first evaluation.");
    await finishRollout(database.db, { id: rollout.id, reason: "Cancelled.", now: new Date() });
    // The writer reads its own write at once; the other replica within a NOTIFY round trip.
    expect((await findVerdict(database.db, { id: rollout.id }))?.verdict).toBe("halt");
    const took = await within(1_500, async () => (await findVerdict(other.db, { id: rollout.id }))?.verdict === "halt");
    expect(took).toBeLessThan(1_500);
  });

  it("a token revoked on one replica is refused by another at once, though that replica had it cached", async () => {
    const other = replica as DatabaseHandle;
    const secret = generateSecret();
    const row = await insertApiToken(database.db, { name: "pipeline", role: "deployer", groups: [], hash: hashSecret(secret), now: new Date(), expiresAt: null });
    const deps = { now: () => new Date(), auth: { adminToken: undefined }, approvers: createApproverDirectory([]) };
    const here = createAuthenticator({ db: database.db, ...deps });
    const there = createAuthenticator({ db: other.db, ...deps });
    expect((await there.authenticate(secret))?.role).toBe("deployer");
    await sleep(300);
    expect((await there.authenticate(secret))?.role).toBe("deployer");
    await revokeApiToken(database.db, { id: row.id, now: new Date() });
    expect(await here.authenticate(secret)).toBeNull();
    await within(1_500, async () => (await there.authenticate(secret)) === null);
  });
});

describe("token cache in one process", () => {
  it("refuses a revoked token at once and an expired one when it expires, though both were cached", async () => {
    const secret = generateSecret();
    let now = new Date();
    const row = await insertApiToken(database.db, { name: "short", role: "viewer", groups: [], hash: hashSecret(secret), now, expiresAt: new Date(now.getTime() + 60_000) });
    const authenticator = createAuthenticator({ db: database.db, now: () => now, auth: { adminToken: undefined }, approvers: createApproverDirectory([]) });
    expect((await authenticator.authenticate(secret))?.name).toBe("short");
    await sleep(200);
    expect((await authenticator.authenticate(secret))?.name).toBe("short");
    now = new Date(now.getTime() + 61_000);
    expect(await authenticator.authenticate(secret)).toBeNull();
    now = new Date();
    expect((await authenticator.authenticate(secret))?.name).toBe("short");
    await revokeApiToken(database.db, { id: row.id, now });
    expect(await authenticator.authenticate(secret)).toBeNull();
  });
});

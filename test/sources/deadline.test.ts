import { describe, expect, it } from "vitest";
import { startDeadline } from "../../src/sources/deadline.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("deadline", () => {
  it("expires after its time and stops what subscribed", async () => {
    const deadline = startDeadline(20);
    let stopped = 0;
    deadline.onAbort(() => stopped++);
    expect(deadline.aborted).toBe(false);
    await sleep(60);
    expect(deadline).toMatchObject({ aborted: true, expired: true });
    expect(stopped).toBe(1);
    let late = 0;
    deadline.onAbort(() => late++);
    expect(late).toBe(1);
  });

  it("aborts with its caller's signal without counting as expired", () => {
    const caller = new AbortController();
    const deadline = startDeadline(10_000, caller.signal);
    let stopped = 0;
    const unsubscribe = deadline.onAbort(() => stopped++);
    deadline.onAbort(() => stopped++);
    unsubscribe();
    caller.abort();
    expect(deadline).toMatchObject({ aborted: true, expired: false });
    expect(stopped).toBe(1);
    deadline.clear();
  });

  it("starts aborted under a signal that already is", () => {
    const caller = new AbortController();
    caller.abort();
    expect(startDeadline(10_000, caller.signal).aborted).toBe(true);
  });

  it("does nothing more once cleared", async () => {
    const caller = new AbortController();
    const deadline = startDeadline(20, caller.signal);
    let stopped = 0;
    deadline.onAbort(() => stopped++);
    deadline.clear();
    caller.abort();
    await sleep(60);
    expect(deadline.aborted).toBe(false);
    expect(stopped).toBe(0);
  });
});

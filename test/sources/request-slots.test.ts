import { describe, expect, it } from "vitest";
import { createRequestSlots } from "../../src/sources/request-slots.js";
import { caught } from "../helpers/caught.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("request slots", () => {
  it("runs at most the limit at once, the rest first come first served", async () => {
    const slots = createRequestSlots(2, "prom");
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const calls = [0, 1, 2, 3].map((n) =>
      slots(async () => {
        started.push(n);
        await new Promise<void>((resolve) => finish.push(resolve));
        return n;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    finish[1]?.();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    finish[0]?.();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    finish[2]?.();
    finish[3]?.();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3]);
  });

  it("gives the slot back when the work fails", async () => {
    const slots = createRequestSlots(1, "prom");
    await expect(slots(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await slots(async () => "next")).toBe("next");
  });

  it("lets a caller whose signal aborts leave the queue with a timeout", async () => {
    const slots = createRequestSlots(1, "prom");
    let release = () => undefined as void;
    const holder = slots(() => new Promise<void>((resolve) => (release = resolve)));
    const caller = new AbortController();
    const waiting = slots(async () => "never", caller.signal);
    const after = slots(async () => "after");
    caller.abort();
    const err = await caught(waiting);
    expect(err.kind).toBe("timeout");
    expect(err.message).toContain("prom");
    release();
    await holder;
    expect(await after).toBe("after");
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => createRequestSlots(0, "prom")).toThrow(RangeError);
  });
});

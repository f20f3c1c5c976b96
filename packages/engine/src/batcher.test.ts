import { describe, expect, it } from "vitest";
import { MicroBatcher } from "./batcher";

describe("MicroBatcher", () => {
  it("runs calls made in one tick as one batch and answers each in order", async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(async (xs) => (batches.push(xs), xs.map((x) => x * 2)));
    const out = await Promise.all([1, 2, 3].map((x) => b.submit(x)));
    expect(out).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("splits at maxBatch and rejects every caller of a failed batch", async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(async (xs) => {
      batches.push(xs);
      if (xs.includes(3)) throw new Error("boom");
      return xs;
    }, 2);
    const out = await Promise.allSettled([1, 2, 3, 4].map((x) => b.submit(x)));
    expect(batches).toEqual([[1, 2], [3, 4]]);
    expect(out.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "rejected"]);
  });

  it("holds back calls while maxInFlight batches run, then sends them together", async () => {
    const batches: number[][] = [];
    const gates: (() => void)[] = [];
    const b = new MicroBatcher<number, number>(async (xs) => {
      batches.push(xs);
      await new Promise<void>((r) => gates.push(r));
      return xs;
    }, 256, 1);
    const first = b.submit(1);
    await new Promise((r) => setImmediate(r));
    const later = [2, 3, 4].map((x) => b.submit(x));
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1]]);
    gates.shift()!();
    await first;
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates.shift()!();
    expect(await Promise.all(later)).toEqual([2, 3, 4]);
  });
});

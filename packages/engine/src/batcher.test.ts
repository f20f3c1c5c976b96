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
});

import { describe, expect, it } from "vitest";
import { chooseChunkSize, MAX_CHUNK, sliceTasks } from "./chunking";

describe("chooseChunkSize", () => {
  it("aims for about a second per task from the observed per-item time", () => {
    expect(chooseChunkSize("custom", 1_000_000, undefined, 2000)).toBe(500); // 2 ms/item
    expect(chooseChunkSize("custom", 1_000_000, undefined, 0.5)).toBe(MAX_CHUNK);
  });

  it("spreads a big job over at least 16 tasks of at least 50 ms", () => {
    expect(chooseChunkSize("custom", 16_000, undefined, 1000)).toBe(1000); // 1 ms items: 16 tasks of 1 s
    expect(chooseChunkSize("custom", 1600, undefined, 1000)).toBe(100); // 16 tasks of 100 ms
    expect(chooseChunkSize("custom", 320, undefined, 1000)).toBe(50); // not 16 tasks of 20 ms
  });

  it("keeps a small cheap job in one task", () => {
    expect(chooseChunkSize("noop", 10)).toBe(10);
    expect(chooseChunkSize("sha256", 1000)).toBe(1000);
  });

  it("reads sleep durations from the items themselves", () => {
    expect(chooseChunkSize("sleep", 10_000, Array(10_000).fill(100))).toBe(10);
  });

  it("never returns less than one", () => {
    expect(chooseChunkSize("sleep", 3, [60_000, 60_000, 60_000])).toBe(1);
  });
});

describe("sliceTasks", () => {
  it("covers every item exactly once with deterministic sequence numbers", () => {
    expect(sliceTasks(5, 2)).toEqual([
      { seq: 0, firstIndex: 0, itemCount: 2 },
      { seq: 1, firstIndex: 2, itemCount: 2 },
      { seq: 2, firstIndex: 4, itemCount: 1 },
    ]);
  });
});

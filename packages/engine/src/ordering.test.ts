import { describe, expect, it } from "vitest";
import { sliceTasks } from "./chunking";
import { taskOrderingKeys } from "./ordering";

describe("taskOrderingKeys", () => {
  const slices = sliceTasks(5, 2);

  it("puts every task of a job-level key on that key", () => {
    expect(taskOrderingKeys(slices, "acct-1", undefined)).toEqual([["acct-1"], ["acct-1"], ["acct-1"]]);
  });

  it("collects the distinct item keys of each chunk", () => {
    const items = [{ orderingKey: "a" }, { orderingKey: "b" }, { orderingKey: "a" }, 7, { orderingKey: "a" }];
    expect(taskOrderingKeys(slices, undefined, items)).toEqual([["a", "b"], ["a"], ["a"]]);
  });

  it("is empty for unordered jobs", () => {
    expect(taskOrderingKeys(slices, undefined, [1, 2, 3, 4, 5])).toEqual([[], [], []]);
    expect(taskOrderingKeys(slices, undefined, undefined)).toEqual([[], [], []]);
  });
});

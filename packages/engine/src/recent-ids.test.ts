import { describe, expect, it } from "vitest";
import { RecentIds } from "./recent-ids";

describe("RecentIds", () => {
  it("remembers an id for ttl, then forgets it and drops it from memory", () => {
    const ids = new RecentIds(100);
    ids.add("a", 0);
    ids.add("b", 50);
    expect(ids.has("a", 99)).toBe(true);
    expect(ids.has("a", 100)).toBe(false);
    expect(ids.has("c", 10)).toBe(false);
    ids.add("c", 120); // prunes "a", keeps "b"
    expect((ids as unknown as { seen: Map<string, number> }).seen.size).toBe(2);
    expect(ids.has("b", 120)).toBe(true);
  });

  it("a repeated id counts from its latest add", () => {
    const ids = new RecentIds(100);
    ids.add("a", 0);
    ids.add("a", 80);
    ids.add("b", 150);
    expect(ids.has("a", 150)).toBe(true);
  });
});

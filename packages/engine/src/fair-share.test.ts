import { describe, expect, it } from "vitest";
import { allocateSlots, type TenantDemand } from "./fair-share";

const tenant = (tenantId: string, weight: number, over: Partial<TenantDemand> = {}): TenantDemand => ({
  tenantId, weight, inflight: 0, ready: 1_000_000, maxConcurrent: 1_000_000, ...over,
});

describe("allocateSlots", () => {
  it("splits free capacity by weight among saturating tenants", () => {
    const g = allocateSlots([tenant("a", 3), tenant("b", 2), tenant("c", 1)], 60);
    expect([g.get("a"), g.get("b"), g.get("c")]).toEqual([30, 20, 10]);
  });

  it("gives freed slots to the tenant furthest below its share", () => {
    const g = allocateSlots([tenant("flood", 1, { inflight: 99 }), tenant("quiet", 1, { ready: 1 })], 1);
    expect(g.get("quiet")).toBe(1);
    expect(g.get("flood")).toBeUndefined();
  });

  it("lends idle capacity to whoever has work", () => {
    // a is entitled to ~8 of 10 slots but has only 2 tasks ready: b borrows the rest.
    const g = allocateSlots([tenant("a", 5, { ready: 2 }), tenant("b", 1)], 10);
    expect(g.get("a")).toBe(2);
    expect(g.get("b")).toBe(8);
  });

  it("never grants past a tenant's concurrency quota or its ready work", () => {
    const g = allocateSlots([tenant("a", 10, { inflight: 3, maxConcurrent: 5 }), tenant("b", 1, { ready: 4 })], 100);
    expect(g.get("a")).toBe(2);
    expect(g.get("b")).toBe(4);
  });

  it("grants nothing when there is no free capacity and everyone already runs something", () => {
    expect(allocateSlots([tenant("a", 1, { inflight: 4 })], 0).size).toBe(0);
  });

  it("gives a tenant with nothing in flight a foothold of one task even in a full pool", () => {
    const g = allocateSlots([tenant("flood", 1, { inflight: 32 }), tenant("newcomer", 1, { ready: 5 })], 0);
    expect(g.get("newcomer")).toBe(1);
    expect(g.get("flood")).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { bundleData, bundleJobId, isBundleJobId, isShort, MAX_BUNDLE, planDelivery, refsOf, SHORT_TASK_MICROS, singleData, type Deliverable } from "./bundle";
import { bullJobId } from "./keys";

type T = Deliverable & { id: string };
const task = (id: string, tenantId = "a", taskMicros: number | undefined = 100, bullPriority = 2): T => ({ id, tenantId, taskMicros, bullPriority });
const ids = (plan: T[][]) => plan.map((job) => job.map((t) => t.id));

describe("planDelivery", () => {
  it("bundles a tenant's short tasks into one job", () => {
    expect(ids(planDelivery(["1", "2", "3"].map((i) => task(i))))).toEqual([["1", "2", "3"]]);
  });

  it("never bundles a foothold: it stays a job of its own", () => {
    const plan = planDelivery([task("f", "a", 100, 1), task("1"), task("2")]);
    expect(ids(plan)).toEqual([["f"], ["1", "2"]]);
    expect(plan[0]![0]!.bullPriority).toBe(1);
  });

  it("keeps long and never-observed tasks one per job", () => {
    const plan = planDelivery([task("long1", "a", SHORT_TASK_MICROS), task("new1", "a", undefined), task("long2", "a", 50_000)]);
    expect(ids(plan)).toEqual([["long1"], ["new1"], ["long2"]]);
    expect(isShort(SHORT_TASK_MICROS - 1)).toBe(true);
    expect(isShort(SHORT_TASK_MICROS)).toBe(false);
    expect(isShort(undefined)).toBe(false);
  });

  it("never mixes tenants in a bundle and keeps first-come order between jobs", () => {
    const plan = planDelivery([task("a1", "a"), task("b1", "b"), task("a2", "a"), task("L", "b", 10_000), task("b2", "b")]);
    expect(ids(plan)).toEqual([["a1", "a2"], ["b1", "b2"], ["L"]]);
  });

  it("caps bundles at MAX_BUNDLE and splits a grant evenly", () => {
    const many = Array.from({ length: MAX_BUNDLE + 4 }, (_, i) => task(String(i)));
    const sizes = planDelivery(many).map((j) => j.length);
    expect(sizes).toEqual([10, 10]);
    const lots = Array.from({ length: 5 * MAX_BUNDLE + 1 }, (_, i) => task(String(i)));
    const plan = planDelivery(lots);
    expect(plan).toHaveLength(6);
    expect(Math.max(...plan.map((j) => j.length))).toBeLessThanOrEqual(MAX_BUNDLE);
    expect(plan.flat().map((t) => t.id)).toEqual(lots.map((t) => t.id)); // every task once, in order
  });

  it("returns nothing for nothing", () => {
    expect(planDelivery([])).toEqual([]);
  });
});

describe("job data", () => {
  const refs = [
    { jobId: "11111111-1111-1111-1111-111111111111", seq: 0, admits: 1 },
    { jobId: "11111111-1111-1111-1111-111111111111", seq: 7, admits: 3 },
    { jobId: "22222222-2222-2222-2222-222222222222", seq: 2, admits: 1 },
  ];

  it("round-trips bundles (grouped by job) and the single-task format", () => {
    const data = bundleData(refs);
    expect(data.b).toHaveLength(2);
    expect(refsOf(JSON.parse(JSON.stringify(data)))).toEqual(refs);
    expect(singleData(refs[1]!)).toEqual({ j: refs[1]!.jobId, s: 7, a: 3 });
    expect(refsOf({ j: "x", s: 4, a: 2 })).toEqual([{ jobId: "x", seq: 4, admits: 2 }]);
  });

  it("names a bundle after its first task's id plus a marker no single task's id has", () => {
    const id = bundleJobId(refs[0]!);
    expect(id.startsWith(bullJobId(refs[0]!.jobId, 0, 1))).toBe(true);
    expect(id).not.toBe(bullJobId(refs[0]!.jobId, 0, 1));
    expect(isBundleJobId(id)).toBe(true);
    expect(isBundleJobId(bullJobId(refs[0]!.jobId, 0, 1))).toBe(false);
    expect(id).not.toContain(":"); // BullMQ refuses custom ids with ':'
    expect(bundleJobId({ ...refs[0]!, admits: 2 })).not.toBe(id); // a new admission, a new id
  });
});

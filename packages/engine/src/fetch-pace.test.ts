import { describe, expect, it } from "vitest";
import { FetchPace } from "./fetch-pace";

const pace = (concurrency: number, held: Partial<Pick<FetchPace, "jobs" | "tasks" | "footholds">>) => Object.assign(new FetchPace(concurrency), held);

describe("FetchPace", () => {
  it("fetches one job per free slot with single tasks, and only as jobs end once the slots are spoken for", () => {
    expect(pace(4, {}).mainConcurrency).toBe(4);
    expect(pace(4, { jobs: 2, tasks: 2 }).mainConcurrency).toBe(4);
    expect(pace(4, { jobs: 1, tasks: 16 }).mainConcurrency).toBe(1); // a bundle: no more fetches
    expect(pace(4, { jobs: 2, tasks: 3 }).mainConcurrency).toBe(3); // one slot left: one more job
  });

  it("counts lane footholds as held tasks but not as main-queue jobs", () => {
    expect(pace(4, { jobs: 1, tasks: 2, footholds: 1 }).mainConcurrency).toBe(3);
    expect(pace(2, { jobs: 0, tasks: 2, footholds: 2 }).mainConcurrency).toBe(1); // BullMQ's floor
  });

  it("keeps a lane foothold only if a slot stays free for what the main queue may be fetching", () => {
    expect(pace(1, {}).laneMayKeep(1)).toBe(false); // concurrency 1: its main fetch would find no slot
    expect(pace(2, {}).laneMayKeep(2)).toBe(true);
    expect(pace(2, { footholds: 1, tasks: 1 }).laneMayKeep(1)).toBe(false);
    expect(pace(2, { jobs: 1, tasks: 1 }).laneMayKeep(1)).toBe(false); // one main job, a fetch out for the other slot
    expect(pace(2, { jobs: 1, tasks: 2 }).laneMayKeep(1)).toBe(true); // no fetch out; its task's slot is free (committing)
    expect(pace(1, { jobs: 1, tasks: 1 }).laneMayKeep(1)).toBe(false); // as its job ends, BullMQ fetches (concurrency ≥ 1)
    expect(pace(3, { jobs: 1, tasks: 3, footholds: 1 }).laneMayKeep(1)).toBe(true);
    expect(pace(3, { jobs: 1, tasks: 4, footholds: 2 }).laneMayKeep(1)).toBe(false); // would fill every slot
    expect(pace(4, { jobs: 1, tasks: 16 }).laneMayKeep(1)).toBe(true); // a bundle held: no fetch out
    expect(pace(4, {}).laneMayKeep(0)).toBe(false);
  });
});

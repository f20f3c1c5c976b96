import { describe, expect, it } from "vitest";
import { MAX_SNAPSHOT_ITEMS_BYTES, snapshotOf, taskFromSnapshot } from "./snapshot";

const job = {
  tenantId: "t1",
  handler: "echo",
  inputKind: "range",
  rangeFrom: 5n,
  timeoutMs: 30_000,
  maxAttempts: 3,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  createdAt: new Date(1_700_000_000_123),
  traceparent: null,
};

describe("snapshotOf / taskFromSnapshot", () => {
  it("rebuilds a first run's lazy claim: attempt 1, no pending offsets, every item", () => {
    const snap = snapshotOf(job, null, 4)!;
    // Through JSON, as BullMQ carries it.
    const task = taskFromSnapshot({ jobId: "j", seq: 0, admits: 1 }, JSON.parse(JSON.stringify(snap)));
    expect(task).toMatchObject({ jobId: "j", seq: 0, attempt: 1, lazy: true, runs: 0, pendingIdx: [], n: 4, itemCount: 4, firstIndex: 0, rangeFrom: "5", items: null });
    expect(task.createdAt.getTime()).toBe(job.createdAt.getTime());
  });

  it("carries small item lists and leaves big ones to the claim's read", () => {
    expect(snapshotOf({ ...job, inputKind: "items", rangeFrom: null }, ["a", 1], 2)?.i).toEqual(["a", 1]);
    expect(snapshotOf(job, ["x".repeat(MAX_SNAPSHOT_ITEMS_BYTES)], 1)).toBeUndefined();
  });
});

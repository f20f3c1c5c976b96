import { describe, expect, it } from "vitest";
import type { ClaimedTask } from "./lease";
import { LeaseMarker, type Markable } from "./lease-marker";

const held = (seq: number, since: number, lazy = true): Markable => ({
  task: { jobId: "j", seq, attempt: 1, lazy } as ClaimedTask,
  since,
  ctl: new AbortController(),
  committing: false,
});

describe("LeaseMarker", () => {
  it("marks only lazy tasks held at least afterMs, in one call, and keeps the winners", async () => {
    const calls: number[][] = [];
    const tasks = [held(0, 0), held(1, 950), held(2, 0, false), held(3, 100)];
    const marker = new LeaseMarker(async (ts) => (calls.push(ts.map((t) => t.seq)), new Set(["j.0"])), () => tasks, () => {}, 100);
    await marker.markDue(1_000);
    expect(calls).toEqual([[0, 3]]);
    expect(tasks.map((t) => t.task.lazy)).toEqual([false, true, false, true]);
    // The loser (taken or finished elsewhere) is aborted; the others are untouched.
    expect(tasks.map((t) => t.ctl.signal.aborted)).toEqual([false, false, false, true]);
  });

  it("skips tasks already committing or being marked, and exposes the mark to a commit in progress", async () => {
    const tasks = [held(0, 0), held(1, 0)];
    tasks[1]!.committing = true;
    let release!: (won: Set<string>) => void;
    const marker = new LeaseMarker(() => new Promise((r) => (release = r)), () => tasks, () => {}, 100);
    const first = marker.markDue(1_000);
    expect(tasks[0]!.marking).toBeInstanceOf(Promise);
    expect(tasks[1]!.marking).toBeUndefined();
    const calls: unknown[] = [];
    const again = new LeaseMarker(async (ts) => (calls.push(ts), new Set<string>()), () => tasks, () => {}, 100);
    await again.markDue(1_000);
    expect(calls).toEqual([]);
    release(new Set(["j.0"]));
    await tasks[0]!.marking;
    await first;
    expect(tasks[0]!.task.lazy).toBe(false);
    expect(tasks[0]!.marking).toBeUndefined();
  });

  it("leaves tasks lazy after a failed mark, to try again next tick", async () => {
    const errors: unknown[] = [];
    const tasks = [held(0, 0)];
    const marker = new LeaseMarker(async () => Promise.reject(new Error("db down")), () => tasks, (e) => errors.push(e), 100);
    await marker.markDue(1_000);
    expect(tasks[0]!.task.lazy).toBe(true);
    expect(tasks[0]!.ctl.signal.aborted).toBe(false);
    expect(tasks[0]!.marking).toBeUndefined();
    expect(errors).toHaveLength(1);
  });

  it("passes each task's handler start as its startedAt, null for one still waiting for a slot", async () => {
    const tasks = [held(0, 0), held(1, 0)];
    tasks[0]!.startedAt = 40;
    const calls: (number | null)[][] = [];
    const marker = new LeaseMarker(async (_ts, startedAt) => (calls.push(startedAt), new Set(["j.0", "j.1"])), () => tasks, () => {}, 100);
    await marker.markDue(1_000);
    expect(calls).toEqual([[40, null]]);
  });
});

import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, isFinished, recordedIndexes, waitFor, type Harness } from "./testing/harness";
import type { WorkerHandle, SchedulerHandle } from "./engine";
import type { CreateJobInput } from "@fanout/validators";

let h: Harness;
let tenant: string;
const handles: (WorkerHandle | SchedulerHandle)[] = [];

beforeAll(async () => {
  h = await createHarness();
  tenant = await h.newTenant();
  for (const hd of [h.engine.createScheduler(), h.engine.createWorker({ concurrency: 4 }), h.engine.createWorker({ concurrency: 4 })]) {
    await hd.start();
    handles.push(hd);
  }
});

afterAll(async () => {
  await h?.close();
});

const finished = (jobId: string) => waitFor(() => h.engine.getJob(tenant, jobId), isFinished);

async function allResults(jobId: string) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await h.engine.getResults(tenant, jobId, { limit: 1000, cursor });
    out.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

describe("engine end to end", () => {
  it("hashes 1,000 random strings and reports them in item order", async () => {
    const items = Array.from({ length: 1000 }, () => randomBytes(12).toString("base64"));
    const { job } = await h.engine.submitJob(tenant, { handler: "sha256", input: { items } });
    const done = await finished(job.id);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toMatchObject({ total: 1000, succeeded: 1000, queued: 0, running: 0, failed: 0, dead: 0 });
    const results = await allResults(job.id);
    expect(results.map((r) => r.index)).toEqual(items.map((_, i) => i));
    expect(results.map((r) => r.output)).toEqual(items.map((s) => createHash("sha256").update(s).digest("hex")));
  });

  it("runs a 100,000-item range job with every result correct and recorded once", async () => {
    const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { range: { from: 5, to: 100_005 } } });
    expect(job.taskCount).toBeLessThan(1000); // chunked, not one queue entry per item
    const done = await finished(job.id);
    expect(done.status).toBe("succeeded");
    const results = await allResults(job.id);
    expect(results).toHaveLength(100_000);
    results.forEach((r, i) => {
      expect(r.index).toBe(i);
      expect(r.output).toBe(i + 5);
    });
    const recorded = await recordedIndexes(h, job.id);
    expect(new Set(recorded).size).toBe(recorded.length);
  });

  it("retries only failed items and dead-letters the hopeless one; redrive re-runs only it", async () => {
    const items = [0, 1, 2, -1].map((failTimes) => ({ failTimes }));
    const { job } = await h.engine.submitJob(tenant, { handler: "fail", input: { items }, maxAttempts: 3, backoff: { baseMs: 10, maxMs: 50 } });
    const done = await finished(job.id);
    expect(done.status).toBe("failed");
    expect(done.progress).toMatchObject({ succeeded: 3, dead: 1, failed: 0, running: 0, queued: 0 });
    const results = await allResults(job.id);
    expect(results.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded", "dead"]);
    const dead = await h.engine.listDeadLetters(tenant, job.id, { limit: 10 });
    expect(dead.data).toEqual([expect.objectContaining({ index: 3, attempts: 3 })]);
    const failuresBefore = await h.db.prisma.itemFailure.groupBy({ by: ["itemIndex"], where: { jobId: job.id }, _count: true });
    expect(Object.fromEntries(failuresBefore.map((f) => [f.itemIndex, f._count]))).toEqual({ 1: 1, 2: 2, 3: 3 });

    const redriven = await h.engine.redrive(tenant, job.id);
    expect(redriven.progress.dead).toBe(0);
    const again = await finished(job.id);
    expect(again.status).toBe("failed");
    const failuresAfter = await h.db.prisma.itemFailure.groupBy({ by: ["itemIndex"], where: { jobId: job.id }, _count: true });
    expect(Object.fromEntries(failuresAfter.map((f) => [f.itemIndex, f._count]))).toEqual({ 1: 1, 2: 2, 3: 6 });
    const recorded = await recordedIndexes(h, job.id);
    expect(recorded.sort()).toEqual([0, 1, 2]);
  });

  it("twenty concurrent submits with one Idempotency-Key create one job; another body is a 409", async () => {
    const body: CreateJobInput = { handler: "noop", input: { items: [1, 2, 3] } };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => h.engine.submitJob(tenant, body, { idempotencyKey: "k-20" })));
    expect(new Set(outcomes.map((o) => o.job.id)).size).toBe(1);
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    await expect(h.engine.submitJob(tenant, { ...body, input: { items: [9] } }, { idempotencyKey: "k-20" })).rejects.toMatchObject({ status: 409, code: "idempotency_key_reused" });
    expect(await h.db.prisma.job.count({ where: { idempotencyKey: "k-20" } })).toBe(1);
  });

  it("cancel stops a 2,000-task job within a second and nothing of it runs afterwards", async () => {
    const { job } = await h.engine.submitJob(tenant, { handler: "sleep", input: { items: Array(2000).fill(100) }, chunkSize: 1 });
    expect(job.taskCount).toBe(2000);
    await waitFor(() => h.engine.getJob(tenant, job.id), (j) => j.progress.succeeded > 0);
    const cancelled = await h.engine.cancelJob(tenant, job.id);
    const cancelledAt = new Date();
    expect(cancelled.status).toBe("cancelled");
    // Running handlers are aborted and nothing is in flight within a second (the requirement itself).
    await waitFor(() => h.db.prisma.task.count({ where: { jobId: job.id, status: { in: ["queued", "running", "backoff"] } } }), (n) => n === 0, 1000, 20);
    const snapshot = await recordedIndexes(h, job.id);
    await new Promise((r) => setTimeout(r, 500));
    expect(await recordedIndexes(h, job.id)).toHaveLength(snapshot.length);
    expect(snapshot.length).toBeLessThan(2000);
    // No task started after the cancel answered.
    expect(await h.db.prisma.task.count({ where: { jobId: job.id, startedAt: { gt: cancelledAt } } })).toBe(0);
    // Never-admitted tasks are swept to cancelled by the reconciler, in bounded batches.
    await waitFor(() => h.db.prisma.task.count({ where: { jobId: job.id, status: "pending" } }), (n) => n === 0, 10_000);
  });

  it("answers 404 for another tenant's job on every read and write", async () => {
    const { job } = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1] } });
    const other = await h.newTenant();
    const calls = [
      () => h.engine.getJob(other, job.id),
      () => h.engine.getResults(other, job.id, { limit: 10 }),
      () => h.engine.listTasks(other, job.id, { limit: 10 }),
      () => h.engine.listDeadLetters(other, job.id, { limit: 10 }),
      () => h.engine.cancelJob(other, job.id),
      () => h.engine.redrive(other, job.id),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ status: 404, code: "not_found" });
    expect((await h.engine.listJobs(other, { limit: 50 })).data).toHaveLength(0);
  });
});

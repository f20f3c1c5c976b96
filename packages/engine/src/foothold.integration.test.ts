// The submit-time foothold: a tenant with nothing in flight and nothing else ready in a
// pool gets its new job's first task admitted by the insert itself, so an idle system
// runs a job without waiting for a scheduler round. It must never let a tenant pass its
// maxConcurrent, however submits and the scheduler's rounds interleave.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, phantomWorker, waitFor, type Harness } from "./testing/harness";

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await h?.close();
});

const taskStatuses = async (jobId: string) =>
  (await h.db.prisma.task.findMany({ where: { jobId }, orderBy: { seq: "asc" }, select: { status: true } })).map((t) => t.status);

describe("foothold at submit", () => {
  it("runs an idle tenant's first task with no scheduler at all, and only that task", async () => {
    const worker = h.engine.createWorker({ pool: "solo", concurrency: 4 });
    await worker.start();
    const tenant = await h.newTenant();
    const { job } = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1, 2, 3] }, chunkSize: 1, pool: "solo" });
    await waitFor(() => taskStatuses(job.id), (s) => s[0] === "done");
    // No scheduler runs in this test: the other two tasks wait for a round that never comes.
    expect(await taskStatuses(job.id)).toEqual(["done", "pending", "pending"]);
    await worker.close();
  });

  it("takes no foothold without a live worker in the pool, or for a tenant that already has work there", async () => {
    const tenant = await h.newTenant();
    const { job: noWorker } = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1] }, pool: "empty" });
    expect(await taskStatuses(noWorker.id)).toEqual(["pending"]);

    await phantomWorker(h, "busy");
    const { job: first } = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1, 2] }, chunkSize: 1, pool: "busy" });
    const { job: second } = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1] }, pool: "busy" });
    expect(await taskStatuses(first.id)).toEqual(["queued", "pending"]);
    expect(await taskStatuses(second.id)).toEqual(["pending"]);
  });

  it("never lets concurrent submits and scheduler rounds pass maxConcurrent", async () => {
    await phantomWorker(h, "race");
    const scheduler = h.engine.createScheduler();
    await scheduler.start();
    for (const maxConcurrent of [1, 2]) {
      const tenant = await h.newTenant(1, { maxConcurrent });
      // Each submit wakes the scheduler, so rounds run while the other submits race.
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => h.engine.submitJob(tenant, { handler: "noop", input: { items: [i, i + 1] }, chunkSize: 1, pool: "race" })),
      );
      await new Promise((r) => setTimeout(r, 500)); // a few more rounds
      const inflight = await h.db.prisma.task.count({ where: { tenantId: tenant, status: { in: ["queued", "running"] } } });
      expect(inflight).toBe(maxConcurrent);
    }
    await scheduler.close();
  });
});

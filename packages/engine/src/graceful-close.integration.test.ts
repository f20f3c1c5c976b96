// A worker's graceful close (a deploy, a scale-in): it stops taking work, offers admission
// no slots, and keeps its running tasks' leases until they have committed, so a task that
// runs longer than a lease after the close began finishes once, on this worker.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";

const LEASE_MS = 1000;
let h: Harness;

beforeAll(async () => {
  h = await createHarness({ leaseMs: LEASE_MS });
});

afterAll(async () => {
  await h?.close();
});

it("keeps renewing a running task's lease through a graceful close, so it commits once and is not re-run, and offers the draining worker no new work", async () => {
  const pool = "closing";
  const scheduler = h.engine.createScheduler({ tickMs: 100 }); // its reconciler re-admits lapsed leases; capacity re-read every 100 ms
  await scheduler.start();
  const worker = h.engine.createWorker({ pool, id: "closing-worker", concurrency: 2 });
  await worker.start();
  const tenant = await h.newTenant();
  const { job } = await h.engine.submitJob(tenant, { handler: "sleep", input: { items: [5 * LEASE_MS] }, pool });
  await waitFor(() => h.db.prisma.task.findFirstOrThrow({ where: { jobId: job.id } }), (t) => t.status === "running", 10_000);

  const closing = worker.close();
  const beat = () => h.db.prisma.workerHeartbeat.findUnique({ where: { id: "closing-worker" } });
  await waitFor(beat, (b) => b?.concurrency === 0, 5_000); // draining: no slots offered
  expect((await h.db.prisma.task.findFirstOrThrow({ where: { jobId: job.id } })).status).toBe("running");
  // A draining worker is not a live one: no foothold at submit, and no admission round
  // (the submit wakes one) queues the task for it once the scheduler has re-read capacity
  // (on its tick).
  await new Promise((r) => setTimeout(r, 500));
  const other = await h.newTenant();
  const { job: later } = await h.engine.submitJob(other, { handler: "noop", input: { items: [1] }, pool });
  await new Promise((r) => setTimeout(r, 500));
  expect((await h.db.prisma.task.findFirstOrThrow({ where: { jobId: later.id } })).status).toBe("pending");
  await closing;

  const task = await h.db.prisma.task.findFirstOrThrow({ where: { jobId: job.id } });
  expect(task).toMatchObject({ status: "done", attempt: 1, workerId: "closing-worker" });
  expect(await waitFor(() => h.engine.getJob(tenant, job.id), isFinished, 5_000)).toMatchObject({ status: "succeeded" });
  expect(await beat()).toBeNull(); // gone once closed
  await scheduler.close();
}, 30_000);

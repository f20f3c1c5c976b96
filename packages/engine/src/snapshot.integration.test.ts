// Optimistic start (snapshot.ts): a submit-time foothold carries its task as inserted, and
// a worker runs it without reading the row. That is only sound if the snapshot is exactly
// what the read would have returned, and if a run from it is fenced like any lazy claim.
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryData } from "./bundle";
import { commitTask } from "./commit";
import { bullJobId, footholdQueueName } from "./keys";
import { claimTask, markTasks } from "./lease";
import { taskFromSnapshot, type TaskSnapshot } from "./snapshot";
import { createHarness, phantomWorker, recordingLogger, waitFor, type Harness } from "./testing/harness";

let h: Harness;
// What the engine logged (a rejected commit, an aborted run, a failed job), for a failure to show.
const log = recordingLogger();
let tenant: string;
const queues: Queue[] = [];

beforeAll(async () => {
  h = await createHarness({ logger: log });
  tenant = await h.newTenant();
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await h?.close();
});

/** Submits into a pool of its own (so the tenant is idle there) and answers the foothold's delivery, from the foothold lane. */
async function footholdDelivery(pool: string, input: object): Promise<{ jobId: string; data: DeliveryData }> {
  await phantomWorker(h, pool);
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", pool, ...input } as never);
  const queue = new Queue(footholdQueueName(pool), { connection: h.redis, prefix: h.prefix });
  queues.push(queue);
  const bull = await waitFor(() => queue.getJob(bullJobId(job.id, 0, 1)), (j) => j !== undefined);
  return { jobId: job.id, data: bull!.data as DeliveryData };
}

describe("foothold snapshot", () => {
  it.each([
    // Keys out of jsonb's order: Postgres stores { a, zeta }, and so must the snapshot carry it.
    ["explicit items", "snap-items", { input: { items: [{ zeta: 1, a: { y: 2, b: 3 } }, "b", 3] }, chunkSize: 2, timeoutMs: 1234, backoff: { baseMs: 50, maxMs: 500 } }],
    ["a range", "snap-range", { input: { range: { from: 7, to: 12 } }, chunkSize: 3 }],
  ])("is exactly what a claim reads back for %s", async (_name, pool, input) => {
    const { jobId, data } = await footholdDelivery(pool, input);
    const snap = (data as { t?: TaskSnapshot }).t;
    expect(snap).toBeDefined();
    const ref = { jobId, seq: 0, admits: 1 };
    const read = await claimTask(h.sql, ref, "w1", 2000);
    expect(read).not.toBeNull();
    const fromSnapshot = taskFromSnapshot(ref, snap!);
    expect(fromSnapshot).toEqual({ ...read!, rangeFrom: read!.rangeFrom === null ? null : String(read!.rangeFrom) });
    // toEqual ignores key order; a handler that serialises its item (sha256) does not.
    expect(JSON.stringify(fromSnapshot.items)).toBe(JSON.stringify(read!.items));
  });

  it("is left out when the first task's items are too big to carry", async () => {
    const { data } = await footholdDelivery("snap-big", { input: { items: ["x".repeat(5000)] } });
    expect("t" in data).toBe(false);
  });

  it("is what the worker runs, when fresh: a paused foothold still runs from it; a stale one or none is stopped by the read", async () => {
    const pool = "snap-worker";
    const submit = async (items: unknown[]) => {
      const t = await h.newTenant(); // each idle in the pool, so each takes a foothold
      const { job } = await h.engine.submitJob(t, { handler: "echo", pool, input: { items } });
      return job.id;
    };
    await phantomWorker(h, pool);
    const [fresh, none, stale] = [await submit(["a"]), await submit(["x".repeat(5000)]), await submit(["c"])];
    const queue = new Queue(footholdQueueName(pool), { connection: h.redis, prefix: h.prefix });
    queues.push(queue);
    const jobs = await Promise.all([fresh, none].map((id) => queue.getJob(bullJobId(id, 0, 1))));
    expect(jobs.map((j) => "t" in j!.data)).toEqual([true, false]);
    await Promise.all(jobs.map((j) => j!.remove()));
    // As a pause does to admitted tasks: the read refuses a pending task, a snapshot never looks.
    await h.db.prisma.task.updateMany({ where: { jobId: { in: [fresh, none, stale] } }, data: { status: "pending" } });
    const worker = h.engine.createWorker({ pool });
    await worker.start();
    // Re-added after the worker listens for cancels (fresh); `stale` keeps its earlier add.
    await queue.addBulk(jobs.map((j) => ({ name: j!.name, data: j!.data, opts: { jobId: j!.id! } })));
    const status = async (jobId: string) => (await h.db.prisma.task.findFirstOrThrow({ where: { jobId } })).status;
    const explained = async <T>(wait: Promise<T>) => {
      try {
        return await wait;
      } catch (err) {
        const counts = await queue.getJobCounts();
        throw new Error(`${(err as Error).message}\nlane: ${JSON.stringify(counts)}\nengine log:\n${log.lines.join("\n")}`);
      }
    };
    await explained(waitFor(() => status(fresh), (s) => s === "done", 30_000));
    await explained(waitFor(() => queue.getJobCounts("wait", "prioritized", "active"), (c) => Object.values(c).every((n) => n === 0), 30_000));
    expect([await status(none), await status(stale)]).toEqual(["pending", "pending"]);
    await worker.close();
  });

  it("runs fenced like any lazy claim: a cancel before its mark or commit refuses both", async () => {
    const { jobId, data } = await footholdDelivery("snap-cancel", { input: { items: ["a"] } });
    const task = taskFromSnapshot({ jobId, seq: 0, admits: 1 }, (data as { t: TaskSnapshot }).t);
    await h.engine.cancelJob(tenant, jobId);
    expect(await markTasks(h.sql, [task], "w1", 2000)).toEqual(new Set());
    expect(await commitTask(h.sql, task, "w1", { indexes: [0], outputs: ["late"], retry: [], dead: [] }, 0)).toEqual({ committed: false });
    expect(await h.db.prisma.taskResult.count({ where: { jobId } })).toBe(0);
  });

  it("loses to a holder that read and marked the task first", async () => {
    const { jobId, data } = await footholdDelivery("snap-race", { input: { items: ["a"] } });
    const ref = { jobId, seq: 0, admits: 1 };
    const reader = await claimTask(h.sql, ref, "w2", 2000);
    expect(await markTasks(h.sql, [reader!], "w2", 2000)).toEqual(new Set([`${jobId}.0`]));
    const task = taskFromSnapshot(ref, (data as { t: TaskSnapshot }).t);
    expect(await commitTask(h.sql, task, "w1", { indexes: [0], outputs: ["snapshot"], retry: [], dead: [] }, 0)).toEqual({ committed: false });
    reader!.lazy = false;
    expect(await commitTask(h.sql, reader!, "w2", { indexes: [0], outputs: ["reader"], retry: [], dead: [] }, 0)).toMatchObject({ committed: true });
    expect((await h.engine.getResults(tenant, jobId, { limit: 10 })).data).toEqual([{ index: 0, status: "succeeded", output: "reader" }]);
  });
});

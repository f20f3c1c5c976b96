// The foothold lane (lanes.ts): footholds travel on a queue of their own that every worker
// watches beside its main queue, from a thread of its own (lane-thread.ts). A worker that takes one with no slot free must not sit on
// it while another worker is idle: it hands it back to the main queue, where a worker with
// a slot takes it. A worker of concurrency 1 hands back too (its main queue's fetch
// would otherwise take a job it has no slot for), and its footholds still run.
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bullJobId, footholdQueueName, queueName } from "./keys";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";

let h: Harness;
const queues: Queue[] = [];
const queue = (name: string) => {
  const q = new Queue(name, { connection: h.redis, prefix: h.prefix });
  queues.push(q);
  return q;
};

beforeAll(async () => {
  h = await createHarness();
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.close()));
  await h?.close();
});

const taskOf = (jobId: string) => h.db.prisma.task.findFirstOrThrow({ where: { jobId, seq: 0 } });

describe("foothold lane", () => {
  it("hands a foothold taken by a full worker back to the main queue, where a free worker runs it", async () => {
    const pool = "lane-full";
    const busy = h.engine.createWorker({ pool, id: "busy", concurrency: 2 });
    await busy.start();
    const scheduler = h.engine.createScheduler();
    await scheduler.start();
    const a = await h.newTenant();
    const { job: long } = await h.engine.submitJob(a, { handler: "sleep", input: { items: [4000, 4000] }, chunkSize: 1, pool });
    // Both slots taken: the foothold through the lane, the second task through the main queue.
    await waitFor(() => h.db.prisma.task.count({ where: { jobId: long.id, status: "running", workerId: "busy" } }), (n) => n === 2, 10_000);

    // B is idle in the pool: its foothold goes to the lane, which only `busy` watches.
    const b = await h.newTenant();
    const { job: quick } = await h.engine.submitJob(b, { handler: "noop", input: { items: [1] }, pool });
    const main = queue(queueName(pool));
    await waitFor(() => main.getJob(bullJobId(quick.id, 0, 1)), (j) => j !== undefined, 10_000);
    expect((await main.getJob(bullJobId(quick.id, 0, 1)))!.priority).toBe(1);
    const lane = queue(footholdQueueName(pool));
    await waitFor(() => lane.getJob(bullJobId(quick.id, 0, 1)), (j) => j === undefined, 10_000); // gone from the lane
    expect(await lane.getJob(bullJobId(long.id, 0, 1))).toBeDefined(); // A's foothold, still running there

    const free = h.engine.createWorker({ pool, id: "free", concurrency: 1 });
    await free.start();
    const done = await waitFor(() => h.engine.getJob(b, quick.id), isFinished, 10_000);
    expect(done.status).toBe("succeeded");
    expect((await taskOf(quick.id)).workerId).toBe("free");
    // Kept by `busy`, it would have waited for a 4 s task to end.
    expect((await h.engine.getJob(a, long.id)).status).toBe("running");
    await Promise.all([free.close(), busy.close(), scheduler.close()]);
  }, 30_000);

  it("a foothold that ran beside a long main-queue task does not stop the worker fetching from the main queue", async () => {
    const pool = "lane-wake";
    const worker = h.engine.createWorker({ pool, id: "w", concurrency: 2 });
    await worker.start();
    const tenant = await h.newTenant();
    // Task 0 is the submit's foothold (lane); task 1, 4 s long, comes through the main queue
    // once a scheduler runs, while the foothold holds a slot and so lowers the main queue's
    // concurrency to the one task the worker then holds.
    const { job: first } = await h.engine.submitJob(tenant, { handler: "sleep", input: { items: [1000, 4000] }, chunkSize: 1, pool });
    await waitFor(() => h.db.prisma.task.count({ where: { jobId: first.id, seq: 0, status: "running" } }), (n) => n === 1, 10_000);
    const scheduler = h.engine.createScheduler();
    await scheduler.start();
    const tasks = await waitFor(() => h.db.prisma.task.findMany({ where: { jobId: first.id }, orderBy: { seq: "asc" } }), (t) => t[0]!.status === "done" && t[1]!.status === "running", 10_000);
    expect(tasks[1]!.startedAt!.getTime()).toBeLessThan(tasks[0]!.finishedAt!.getTime()); // the premise: they overlapped
    // Not a foothold (the tenant has work in flight): it needs the main queue's fetch.
    const { job: next } = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1] }, pool });
    expect((await h.engine.getJob(tenant, next.id)).status).toBe("queued");
    const done = await waitFor(() => h.engine.getJob(tenant, next.id), isFinished, 10_000);
    expect(done.status).toBe("succeeded");
    expect((await h.engine.getJob(tenant, first.id)).status).toBe("running"); // not after the 4 s task
    await Promise.all([worker.close(), scheduler.close()]);
  }, 30_000);

  it("runs an idle tenant's foothold on a worker of concurrency 1, through the main queue", async () => {
    const pool = "lane-one";
    const worker = h.engine.createWorker({ pool, id: "single", concurrency: 1 });
    await worker.start();
    const tenant = await h.newTenant();
    const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: ["x"] }, pool });
    const done = await waitFor(() => h.engine.getJob(tenant, job.id), isFinished, 10_000);
    expect(done.status).toBe("succeeded");
    expect((await h.engine.getResults(tenant, job.id, { limit: 10 })).data).toEqual([{ index: 0, status: "succeeded", output: "x" }]);
    const added = (await h.redis.xrange(`${h.prefix}:${queueName(pool)}:events`, "-", "+")).filter(([, f]) => f[1] === "added").map(([, f]) => f[f.indexOf("jobId") + 1]);
    expect(added).toContain(bullJobId(job.id, 0, 1)); // handed back to the main queue
    await worker.close();
  });

  it("starts a submit-time foothold's handler on the lane thread while the worker's main thread is busy", async () => {
    const pool = "lane-thread";
    const worker = h.engine.createWorker({ pool, id: "t", concurrency: 2 });
    await worker.start();
    const tenant = await h.newTenant();
    const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: ["y"] }, pool });
    // This thread is the worker's main thread too: nothing of it runs until the block ends.
    const blockedUntil = Date.now() + 1500;
    while (Date.now() < blockedUntil) { /* busy, as under a flood's claims and commits */ }
    const done = await waitFor(() => h.engine.getJob(tenant, job.id), isFinished, 10_000);
    expect(done.status).toBe("succeeded");
    expect((await h.engine.getResults(tenant, job.id, { limit: 10 })).data).toEqual([{ index: 0, status: "succeeded", output: "y" }]);
    // Committed by the main thread after the block, but started (startedAt) during it.
    expect((await taskOf(job.id)).startedAt!.getTime()).toBeLessThan(blockedUntil);
    await worker.close();
  });
});

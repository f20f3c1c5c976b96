import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHarness, isFinished, recordedIndexes, REDIS_URL, waitFor, type Harness } from "./testing/harness";
import { claimTask, claimTasks, markTasks } from "./lease";
import { commitTask, commitTasks } from "./commit";

const LEASE_MS = 1500;
let h: Harness;
let tenant: string;
const children: ChildProcess[] = [];

function startWorker(id: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL("./testing/worker-process.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, DATABASE_URL: h.db.url, REDIS_URL, FANOUT_PREFIX: h.prefix, LEASE_MS: String(LEASE_MS), WORKER_ID: id, CONCURRENCY: "8" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`worker ${id} exited early (${code})`)));
  });
}

beforeAll(async () => {
  h = await createHarness({ leaseMs: LEASE_MS });
  tenant = await h.newTenant();
  await h.engine.createScheduler().start();
});

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await h?.close();
});

it("SIGKILL of one of two workers mid-job loses nothing and records each item once", async () => {
  const [victim] = await Promise.all([startWorker("victim"), startWorker("survivor")]);
  // 100,000 items of 1 ms: ~100 tasks of ~1 s, so the victim surely holds tasks when killed.
  const { job } = await h.engine.submitJob(tenant, { handler: "sleep", input: { items: Array(100_000).fill(1) }, chunkSize: 1000 });
  await waitFor(() => h.engine.getJob(tenant, job.id), (j) => j.progress.succeeded >= 20_000, 120_000);
  // Its leases are taken lazily (a task is marked running 100 ms into its run): wait until
  // the victim holds marked tasks, so the kill strands leases the reconciler must recover.
  // Ones that started under 500 ms ago: a ~1 s task seen running near its end could commit
  // before the kill lands (the workers' tasks run in waves that end together), and then
  // nothing was stranded (1 run in 3 on a loaded machine).
  const held = await waitFor(
    async () => (await h.db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM tasks WHERE "jobId" = $1::uuid AND status = 'running' AND "workerId" = 'victim' AND "startedAt" > now() - interval '500 milliseconds'`, job.id))[0]!.n,
    (n) => n > 0, 30_000, 20);
  victim.kill("SIGKILL");
  expect(held).toBeGreaterThan(0);

  const done = await waitFor(() => h.engine.getJob(tenant, job.id), isFinished, 180_000, 100);
  expect(done.status).toBe("succeeded");
  expect(done.progress).toMatchObject({ total: 100_000, succeeded: 100_000, running: 0, failed: 0, dead: 0 });
  const recorded = await recordedIndexes(h, job.id);
  expect(recorded).toHaveLength(100_000);
  expect(new Set(recorded).size).toBe(100_000);
  // The victim's tasks were taken over under a newer attempt.
  const reclaimed = await h.db.prisma.task.count({ where: { jobId: job.id, attempt: { gt: 1 } } });
  expect(reclaimed).toBeGreaterThan(0);
}, 240_000);

it("rejects a late commit from a superseded attempt (fencing)", async () => {
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: ["a"] }, pool: "fencing-test" });
  // No worker serves this pool, so drive the task by hand: admit it, claim it twice.
  await h.db.prisma.task.updateMany({ where: { jobId: job.id }, data: { status: "queued", admits: 1 } });
  const first = await claimTask(h.sql, { jobId: job.id, seq: 0, admits: 1 }, "w1", LEASE_MS);
  expect(first).toMatchObject({ lazy: true, attempt: 1 });
  // The first holder ran long enough to take its lease, then stalled: BullMQ re-delivers.
  expect(await markTasks(h.sql, [first!], "w1", LEASE_MS)).toEqual(new Set([`${job.id}.0`]));
  first!.lazy = false;
  const second = await claimTask(h.sql, { jobId: job.id, seq: 0, admits: 1 }, "w2", LEASE_MS);
  expect(second).toMatchObject({ lazy: false, attempt: first!.attempt + 1 });
  const result = { indexes: [0], outputs: ["late"], retry: [], dead: [] };
  expect(await commitTask(h.sql, first!, "w1", result, 0)).toEqual({ committed: false });
  expect(await commitTask(h.sql, second!, "w2", { ...result, outputs: ["winner"] }, 0)).toMatchObject({ committed: true });
  expect(await commitTask(h.sql, second!, "w2", { ...result, outputs: ["again"] }, 0)).toEqual({ committed: false });
  const results = await h.engine.getResults(tenant, job.id, { limit: 10 });
  expect(results.data).toEqual([{ index: 0, status: "succeeded", output: "winner" }]);
  const task = await h.db.prisma.task.findFirstOrThrow({ where: { jobId: job.id } });
  expect(task).toMatchObject({ status: "done", attempt: 2, workerId: "w2" });
});

it("lets the first of two lazy claims commit and refuses the other's commit and mark", async () => {
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: ["a"] }, pool: "fencing-test" });
  await h.db.prisma.task.updateMany({ where: { jobId: job.id }, data: { status: "queued", admits: 1 } });
  const a = await claimTask(h.sql, { jobId: job.id, seq: 0, admits: 1 }, "w1", LEASE_MS);
  const b = await claimTask(h.sql, { jobId: job.id, seq: 0, admits: 1 }, "w2", LEASE_MS);
  expect([a?.lazy, b?.lazy, a?.attempt, b?.attempt]).toEqual([true, true, 1, 1]);
  const result = { indexes: [0], outputs: ["b"], retry: [], dead: [] };
  expect(await commitTask(h.sql, b!, "w2", result, 0)).toMatchObject({ committed: true });
  expect(await commitTask(h.sql, a!, "w1", { ...result, outputs: ["a"] }, 0)).toEqual({ committed: false });
  expect(await markTasks(h.sql, [a!], "w1", LEASE_MS)).toEqual(new Set());
  const results = await h.engine.getResults(tenant, job.id, { limit: 10 });
  expect(results.data).toEqual([{ index: 0, status: "succeeded", output: "b" }]);
  // The commit took the lease and finished the task in one write.
  const task = await h.db.prisma.task.findFirstOrThrow({ where: { jobId: job.id } });
  expect(task).toMatchObject({ status: "done", attempt: 1, workerId: "w2" });
  expect(task.startedAt).not.toBeNull();
});

it("commits a task delivered twice into one batch once, and refuses the copy", async () => {
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: ["a"] }, pool: "fencing-test" });
  await h.db.prisma.task.updateMany({ where: { jobId: job.id }, data: { status: "queued", admits: 1 } });
  const [a, b] = await claimTasks(h.sql, [{ jobId: job.id, seq: 0, admits: 1 }, { jobId: job.id, seq: 0, admits: 1 }], "w1", LEASE_MS);
  expect(a).toMatchObject({ lazy: true, attempt: 1 });
  expect(b).toBeNull();
  const result = { indexes: [0], outputs: ["one"], retry: [], dead: [] };
  const outcomes = await commitTasks(h.sql, "w1", [{ task: a!, result, retryDelayMs: 0 }, { task: { ...a! }, result: { ...result, outputs: ["two"] }, retryDelayMs: 0 }]);
  expect(outcomes).toEqual([{ committed: true, jobStatus: "succeeded" }, { committed: false }]);
  const results = await h.engine.getResults(tenant, job.id, { limit: 10 });
  expect(results.data).toEqual([{ index: 0, status: "succeeded", output: "one" }]);
});

it("lets a lazily claimed run finish after a pause put its task back to pending, and fences takeovers on status", async () => {
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { items: ["a", "b"] }, chunkSize: 1, pool: "fencing-test" });
  await h.db.prisma.task.updateMany({ where: { jobId: job.id }, data: { status: "queued", admits: 1 } });
  const a = await claimTask(h.sql, { jobId: job.id, seq: 0, admits: 1 }, "w1", LEASE_MS);
  const b = await claimTask(h.sql, { jobId: job.id, seq: 1, admits: 1 }, "w1", LEASE_MS);
  await h.engine.pauseJob(tenant, job.id);
  expect(await h.db.prisma.task.count({ where: { jobId: job.id, status: "pending" } })).toBe(2);
  // Running work finishes: one run commits, the other takes its lease and then commits.
  expect(await commitTask(h.sql, a!, "w1", { indexes: [0], outputs: ["A"], retry: [], dead: [] }, 0)).toMatchObject({ committed: true });
  expect(await markTasks(h.sql, [b!], "w1", LEASE_MS)).toEqual(new Set([`${job.id}.1`]));
  b!.lazy = false;
  // A takeover that read it running cannot mark the row once it is queued at that attempt
  // again (redriven and re-admitted in between: other contents).
  await h.db.prisma.task.updateMany({ where: { jobId: job.id, seq: 1 }, data: { status: "queued" } });
  expect(await markTasks(h.sql, [{ ...b!, attempt: b!.attempt + 1, lazy: false }], "w2", LEASE_MS)).toEqual(new Set());
  await h.db.prisma.task.updateMany({ where: { jobId: job.id, seq: 1 }, data: { status: "running" } });
  expect(await commitTask(h.sql, b!, "w1", { indexes: [1], outputs: ["B"], retry: [], dead: [] }, 0)).toMatchObject({ committed: true });
  const results = await h.engine.getResults(tenant, job.id, { limit: 10 });
  expect(results.data.map((r) => r.output)).toEqual(["A", "B"]);
});

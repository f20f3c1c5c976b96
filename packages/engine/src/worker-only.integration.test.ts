// A worker-only engine (a pg pool, no Prisma: what apps/worker builds) runs tasks, keeps its
// heartbeat row in plain SQL, and fails clearly if asked for anything that needs Prisma.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEngine, type Engine, type SchedulerHandle, type WorkerHandle } from "./engine";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";
import type { Logger } from "./types";

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {}, child: () => quiet };
let h: Harness;
let workerEngine: Engine;
let scheduler: SchedulerHandle;
let worker: WorkerHandle;

const heartbeat = (id: string) => h.sql.query<{ concurrency: number }>(`SELECT concurrency FROM worker_heartbeats WHERE id = $1`, [id]);

beforeAll(async () => {
  h = await createHarness();
  workerEngine = createEngine({ redis: h.redis, logger: quiet, pool: h.pool }, { prefix: h.prefix, leaseMs: 2000 });
  worker = workerEngine.createWorker({ id: "worker-only-1", concurrency: 4 });
  scheduler = h.engine.createScheduler();
  await worker.start();
  await scheduler.start();
});

afterAll(async () => {
  await workerEngine?.close();
  await h?.close();
});

it("runs a job, reports health and records its heartbeat without Prisma", async () => {
  expect(await heartbeat("worker-only-1")).toEqual([{ concurrency: 4 }]);
  expect(await workerEngine.health()).toEqual({ postgres: true, redis: true });
  const tenant = await h.newTenant();
  const { job } = await h.engine.submitJob(tenant, { handler: "echo", input: { range: { from: 0, to: 1000 } } });
  const done = await waitFor(() => h.engine.getJob(tenant, job.id), isFinished);
  expect(done.progress).toMatchObject({ total: 1000, succeeded: 1000 });
  await expect(workerEngine.getJob(tenant, job.id)).rejects.toThrow(/without a Prisma client/);
});

it("removes its heartbeat row when it closes", async () => {
  await worker.close();
  expect(await heartbeat("worker-only-1")).toEqual([]);
});

it("refuses to build an engine with neither Prisma nor a pool", () => {
  expect(() => createEngine({ redis: h.redis, logger: quiet })).toThrow(/Prisma client, or a pg pool/);
});

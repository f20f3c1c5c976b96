import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";
import type { WorkerHandle } from "./engine";

let h: Harness;
let tenant: string;
let worker: WorkerHandle;

beforeAll(async () => {
  h = await createHarness();
  tenant = await h.newTenant();
  await h.engine.createScheduler().start();
  worker = h.engine.createWorker({ concurrency: 4 });
  await worker.start();
});

afterAll(async () => {
  await h?.close();
});

const job = (id: string) => h.engine.getJob(tenant, id);

describe("quotas at submit", () => {
  it("answers 429 with Retry-After and RateLimit headers past the submit rate, and a raised quota applies at once", async () => {
    // A slow refill (one token per 100 s) keeps the arithmetic exact on a loaded machine.
    const t = await h.newTenant(1, { submitRatePerSec: 0.01, submitBurst: 2 });
    const body = { handler: "noop", input: { items: [1] } };
    await h.engine.submitJob(t, body);
    const second = await h.engine.submitJob(t, body);
    expect(second.headers.RateLimit).toMatch(/^"submit";r=0;t=\d+$/);
    const err = await h.engine.submitJob(t, body).catch((e) => e);
    expect(err).toMatchObject({ status: 429, code: "submit_rate_exceeded" });
    expect(Number(err.headers["Retry-After"])).toBeGreaterThanOrEqual(1);
    expect(err.headers["RateLimit-Policy"]).toBe('"submit";q=2;w=200');
    expect(await h.db.prisma.job.count({ where: { tenantId: t } })).toBe(2);
    await h.db.prisma.quota.update({ where: { tenantId: t }, data: { submitRatePerSec: 1000, submitBurst: 1000 } });
    // Quotas are cached per process for at most a second: the raise applies within it
    // (the wait allows for a loaded machine on top of that second).
    const accepted = await waitFor(() => h.engine.submitJob(t, body).catch((e) => e), (r) => r.created === true, 3000, 50);
    expect(accepted.created).toBe(true);
  });

  it("refuses a job that can never fit with 422 and one that does not fit now with 429", async () => {
    const t = await h.newTenant(1, { maxItemsPerJob: 10, maxQueuedItems: 15, maxPriority: 5 });
    await expect(h.engine.submitJob(t, { handler: "noop", input: { range: { from: 0, to: 11 } } })).rejects.toMatchObject({ status: 422, code: "max_items_exceeded", field: "input" });
    await expect(h.engine.submitJob(t, { handler: "noop", input: { items: [1] }, priority: 6 })).rejects.toMatchObject({ status: 422, code: "priority_not_allowed", field: "priority" });
    await h.db.prisma.tenant.update({ where: { id: t }, data: { paused: true } }); // keep the first job queued
    await h.engine.submitJob(t, { handler: "noop", input: { range: { from: 0, to: 10 } } });
    await expect(h.engine.submitJob(t, { handler: "noop", input: { range: { from: 0, to: 10 } } })).rejects.toMatchObject({ status: 429, code: "max_queued_items_exceeded" });
    await expect(h.engine.submitJob(t, { handler: "nope", input: { items: [1] } })).rejects.toMatchObject({ status: 400, code: "unknown_handler", field: "handler" });
    expect(await h.db.prisma.job.count({ where: { tenantId: t } })).toBe(1);
  });
});

describe("timeouts, ordering, pause and dead letters", () => {
  it("aborts an item past timeoutMs and dead-letters it with a timeout error", async () => {
    const { job: j } = await h.engine.submitJob(tenant, { handler: "sleep", input: { items: [10, 60_000] }, timeoutMs: 200, maxAttempts: 1, chunkSize: 2 });
    const started = Date.now();
    const done = await waitFor(() => job(j.id), isFinished);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(done.progress).toMatchObject({ succeeded: 1, dead: 1 });
    const dead = await h.engine.listDeadLetters(tenant, j.id, { limit: 10 });
    expect(dead.data[0]).toMatchObject({ index: 1, attempts: 1, error: expect.stringContaining("timed out after 200 ms") });
  });

  it("runs items sharing an ordering key one at a time in input order", async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ orderingKey: i % 2 ? "odd" : "even", i }));
    const { job: j } = await h.engine.submitJob(tenant, { handler: "echo", input: { items }, chunkSize: 1 });
    expect((await waitFor(() => job(j.id), isFinished)).status).toBe("succeeded");
    const tasks = await h.db.prisma.task.findMany({ where: { jobId: j.id }, orderBy: { seq: "asc" } });
    for (const key of ["odd", "even"]) {
      const mine = tasks.filter((t) => t.orderingKeys.includes(key));
      for (let k = 1; k < mine.length; k++) expect(mine[k]!.startedAt!.getTime()).toBeGreaterThanOrEqual(mine[k - 1]!.finishedAt!.getTime());
    }
  });

  it("explains why a paused job waits, and resumes it", async () => {
    // A pool nobody serves yet keeps the job waiting, so the reasons are deterministic.
    const { job: j } = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1, 2] }, pool: "later" });
    await h.engine.pauseJob(tenant, j.id);
    expect((await job(j.id)).waiting).toMatchObject({ reason: "paused" });
    await h.engine.resumeJob(tenant, j.id);
    expect((await job(j.id)).waiting).toMatchObject({ reason: "no_worker_for_pool" });
    const late = h.engine.createWorker({ pool: "later", concurrency: 1 });
    await late.start();
    expect((await waitFor(() => job(j.id), isFinished)).status).toBe("succeeded");
    await late.close();
  });

  it("says no_worker_for_pool when no worker serves the job's pool", async () => {
    const { job: j } = await h.engine.submitJob(tenant, { handler: "noop", input: { items: [1] }, pool: "gpu" });
    expect((await job(j.id)).waiting).toMatchObject({ reason: "no_worker_for_pool" });
  });

  it("groups dead letters by fingerprint, redrives one group and discards another", async () => {
    const items = [...Array(5).fill({ failTimes: -1 }), ...Array(3).fill("not an object")];
    const { job: j } = await h.engine.submitJob(tenant, { handler: "fail", input: { items }, maxAttempts: 1 });
    await waitFor(() => job(j.id), isFinished);
    const groups = await h.engine.deadLetterGroups(tenant, j.id);
    expect(groups.map((g) => g.count)).toEqual([5, 3]);
    const [big, small] = groups;
    expect((await h.engine.discardDeadLetters(tenant, j.id, { fingerprint: small!.fingerprint })).discarded).toBe(3);
    const redriven = await h.engine.redrive(tenant, j.id);
    expect(redriven.progress.dead).toBe(3); // the discarded three stay dead
    const again = await waitFor(() => job(j.id), isFinished);
    expect(again.progress.dead).toBe(8);
    expect((await h.engine.deadLetterGroups(tenant, j.id)).map((g) => [g.fingerprint, g.count])).toEqual([[big!.fingerprint, 5]]);
  });
});

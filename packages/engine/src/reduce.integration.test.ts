// Per-job reducers against real Postgres and Redis: values over multi-task jobs with a dead
// item (excluded), non-numeric outputs (skipped), handler-declared defaults, a live partial
// that turns final, the stored value being what later reads return, and a redrive reopening it.
import type { CreateJobInput } from "@fanout/validators";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LeasedTask } from "./engine";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";

let h: Harness;
let tenant: string;

beforeAll(async () => {
  h = await createHarness({ leaseMs: 600 });
  tenant = await h.newTenant();
  for (const hd of [h.engine.createScheduler({ tickMs: 200 }), h.engine.createWorker({ concurrency: 4 })]) await hd.start();
  await h.engine.remote.registerHandler(tenant, { name: "score", maxAttempts: 1, reducer: "max" });
});

afterAll(async () => {
  await h?.close();
});

const run = async (input: CreateJobInput) => {
  const { job } = await h.engine.submitJob(tenant, input);
  return waitFor(() => h.engine.getJob(tenant, job.id), isFinished);
};

// sleep outputs the milliseconds it slept and refuses a negative number: with one attempt,
// -1 ends dead. Four tasks of two items; the dead item would be the minimum if it counted.
const SLEEPS = [1, 2, 3, -1, 4, 5, 6, 7];
const sleepJob = (reduce: CreateJobInput["reduce"]): CreateJobInput => ({ handler: "sleep", input: { items: SLEEPS }, chunkSize: 2, maxAttempts: 1, reduce });

describe("reducers over a multi-task job with a dead item", () => {
  it.each([
    ["sum", 28, 7],
    ["count", 7, 7],
    ["min", 1, 7],
    ["max", 7, 7],
    ["collect", [1, 2, 3, 4, 5, 6, 7], 7],
  ] as const)("%s excludes the dead item", async (reduce, value, count) => {
    const job = await run(sleepJob(reduce));
    expect(job.status).toBe("failed");
    expect(job.taskCount).toBe(4);
    expect(job.progress).toMatchObject({ succeeded: 7, dead: 1 });
    expect(job.result).toEqual({ reducer: reduce, value, count, skipped: 0, truncated: false, final: true });
    expect(await h.engine.getJobResult(tenant, job.id)).toEqual(job.result);
  });

  it("sum, min and max skip non-numeric outputs and count them; count and collect take every output", async () => {
    const items = ["a", 1, null, 2.5, { x: 1 }, 10, "7", -3];
    const numbers = { count: 4, skipped: 4 };
    expect((await run({ handler: "echo", input: { items }, chunkSize: 3, reduce: "sum" })).result).toMatchObject({ value: 10.5, ...numbers });
    expect((await run({ handler: "echo", input: { items }, chunkSize: 3, reduce: "min" })).result).toMatchObject({ value: -3, ...numbers });
    expect((await run({ handler: "echo", input: { items }, chunkSize: 3, reduce: "max" })).result).toMatchObject({ value: 10, ...numbers });
    expect((await run({ handler: "echo", input: { items }, chunkSize: 3, reduce: "count" })).result).toMatchObject({ value: 8, count: 8, skipped: 0 });
    expect((await run({ handler: "echo", input: { items }, chunkSize: 3 })).result).toMatchObject({ reducer: "collect", value: items, count: 8 });
    // No numbers at all: a sum of nothing is 0, a min of nothing is null.
    expect((await run({ handler: "sha256", input: { items: ["x", "y"] }, reduce: "sum" })).result).toMatchObject({ value: 0, count: 0, skipped: 2 });
    expect((await run({ handler: "sha256", input: { items: ["x", "y"] }, reduce: "min" })).result).toMatchObject({ value: null, count: 0, skipped: 2 });
  });

  it("sums exactly in Postgres (numeric), not in floating point", async () => {
    const job = await run({ handler: "echo", input: { items: [0.1, 0.2, 0.3] }, reduce: "sum" });
    expect(job.result!.value).toBe(0.6);
  });

  it("collect inlines at most 1,000 outputs or 64 KiB and says when it did not", async () => {
    const big = await run({ handler: "echo", input: { range: { from: 0, to: 1500 } } });
    expect(big.result).toEqual({ reducer: "collect", value: null, count: 1500, skipped: 0, truncated: true, final: true });
    const wide = await run({ handler: "echo", input: { items: Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(1000, "x")) } });
    expect(wide.result).toMatchObject({ value: null, count: 100, truncated: true });
    const range = await run({ handler: "echo", input: { range: { from: 10, to: 1010 } }, chunkSize: 300 });
    expect(range.result!.value).toEqual(Array.from({ length: 1000 }, (_, i) => i + 10));
  });
});

describe("handler-declared reducers", () => {
  it("uses the job's reduce, else the handler's declared reducer, else collect", async () => {
    expect((await run({ handler: "noop", input: { range: { from: 0, to: 50 } } })).result).toMatchObject({ reducer: "count", value: 50 });
    expect((await run({ handler: "sleep", input: { items: [1, 2] } })).result).toMatchObject({ reducer: "sum", value: 3 });
    expect((await run({ handler: "sleep", input: { items: [1, 2] }, reduce: "max" })).result).toMatchObject({ reducer: "max", value: 2 });
    expect((await run({ handler: "echo", input: { items: [1] } })).result).toMatchObject({ reducer: "collect", value: [1] });
    const { job } = await h.engine.submitJob(tenant, { handler: "score", input: { items: [1] } });
    expect((await h.engine.getJobResult(tenant, job.id)).reducer).toBe("max");
    const own = await h.engine.submitJob(tenant, { handler: "score", input: { items: [1] }, reduce: "sum" });
    expect((await h.engine.getJobResult(tenant, own.job.id)).reducer).toBe("sum");
    await h.engine.cancelJob(tenant, job.id);
    await h.engine.cancelJob(tenant, own.job.id);
  });

  it("lists the reducer a remote handler declared, and resets it when registered again without one", async () => {
    expect((await h.engine.remote.listHandlers(tenant)).find((x) => x.name === "score")).toMatchObject({ reducer: "max" });
    const again = await h.engine.remote.registerHandler(tenant, { name: "score-2" });
    expect(again.reducer).toBe("collect");
  });
});

describe("live partials, the stored final value and redrive", () => {
  const lease = () => waitFor(() => h.engine.remote.lease({ tenantId: tenant, workerId: "w-reduce", handlers: ["score"], max: 10, visibilityMs: 30_000, waitMs: 500 }), (r) => r.length > 0, 20_000, 0);
  const report = (l: LeasedTask, outputs: Record<number, number | string>) =>
    h.engine.remote.report(tenant, "w-reduce", l, l.items.map((it) => (typeof outputs[it.index] === "number" ? { index: it.index, output: outputs[it.index] } : { index: it.index, error: String(outputs[it.index]) })));

  it("answers a partial while the job runs, then a final value stored once on the job row", async () => {
    const { job } = await h.engine.submitJob(tenant, { handler: "score", input: { items: [0, 1, 2, 3] }, chunkSize: 2 });
    expect(await h.engine.getJobResult(tenant, job.id)).toEqual({ reducer: "max", value: null, count: 0, skipped: 0, truncated: false, final: false });
    const leased: LeasedTask[] = [];
    while (leased.length < 2) leased.push(...(await lease()));
    const [first, second] = leased.sort((a, b) => a.seq - b.seq);
    await report(first!, { 0: 5, 1: 9 });
    // The memo serves the previous partial while it refreshes (at most every 2 s here).
    const partial = await waitFor(() => h.engine.getJob(tenant, job.id), (j) => j.result?.count === 2, 20_000, 100);
    expect(partial.status).toBe("running");
    expect(partial.result).toMatchObject({ value: 9, count: 2, final: false });
    await report(second!, { 2: 4, 3: "boom" });
    const done = await waitFor(() => h.engine.getJob(tenant, job.id), isFinished);
    expect(done.status).toBe("failed");
    expect(done.result).toEqual({ reducer: "max", value: 9, count: 3, skipped: 0, truncated: false, final: true });
    const row = await h.db.prisma.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row.result).toEqual({ value: 9, count: 3, skipped: 0, truncated: false });
    // Later reads take the stored value (O(1)); they never look at the outputs again.
    await h.db.prisma.taskResult.deleteMany({ where: { jobId: job.id } });
    expect(await h.engine.getJobResult(tenant, job.id)).toMatchObject({ value: 9, count: 3, final: true });
  });

  it("a redrive reopens the job: the stored value is cleared and recomputed when it finishes again", async () => {
    const { job } = await h.engine.submitJob(tenant, { handler: "score", input: { items: [0, 1] }, reduce: "sum" });
    const [l] = await lease();
    await report(l!, { 0: 10, 1: "boom" });
    expect((await waitFor(() => h.engine.getJob(tenant, job.id), isFinished)).result).toMatchObject({ value: 10, count: 1, final: true });
    const reopened = await h.engine.redrive(tenant, job.id);
    expect(reopened.status).toBe("running");
    expect((await h.db.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).result).toBeNull();
    expect(await h.engine.getJobResult(tenant, job.id)).toMatchObject({ value: 10, final: false });
    const [again] = await lease();
    await report(again!, { 1: 32 });
    const done = await waitFor(() => h.engine.getJob(tenant, job.id), isFinished);
    expect(done.status).toBe("succeeded");
    expect(done.result).toEqual({ reducer: "sum", value: 42, count: 2, skipped: 0, truncated: false, final: true });
  });

  it("is tenant-scoped: another tenant's job id is a 404", async () => {
    const other = await h.newTenant();
    const job = await run({ handler: "echo", input: { items: [1] }, reduce: "sum" });
    await expect(h.engine.getJobResult(other, job.id)).rejects.toMatchObject({ status: 404, code: "not_found" });
    await expect(h.engine.getJob(other, job.id)).rejects.toMatchObject({ status: 404 });
  });
});

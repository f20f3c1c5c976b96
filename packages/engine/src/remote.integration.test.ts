import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";

let h: Harness;
let tenant: string;

beforeAll(async () => {
  h = await createHarness({ leaseMs: 600 });
  tenant = await h.newTenant();
  await h.engine.createScheduler({ tickMs: 200 }).start();
  await h.engine.remote.registerHandler(tenant, { name: "resize", timeoutMs: 5000, maxAttempts: 2 });
});

afterAll(async () => {
  await h?.close();
});

const lease = (workerId: string, t = tenant, waitMs = 3000, max = 10) =>
  h.engine.remote.lease({ tenantId: t, workerId, handlers: ["resize"], max, visibilityMs: 600, waitMs });

describe("remote workers over the lease protocol", () => {
  it("waits with no_worker_for_handler, then long-polls, runs and reports a tenant's own handler", async () => {
    const { job } = await h.engine.submitJob(tenant, { handler: "resize", input: { items: ["a", "b", "c"] }, chunkSize: 2 });
    expect(job.pool).toBe(`remote-${tenant}`);
    expect((await h.engine.getJob(tenant, job.id)).waiting).toMatchObject({ reason: "no_worker_for_handler" });

    const leased = [];
    while (leased.length < 2) leased.push(...(await lease("w1")));
    expect(leased.flatMap((l) => l.items)).toEqual([{ index: 0, item: "a" }, { index: 1, item: "b" }, { index: 2, item: "c" }]);
    for (const l of leased) {
      await h.engine.remote.report(tenant, "w1", l, l.items.map((it) => (it.index === 1 ? { index: 1, error: "boom" } : { index: it.index, output: String(it.item).toUpperCase() })));
    }
    // Item 1 failed its first attempt: it comes back (after backoff) for attempt 2.
    const retry = await waitFor(() => lease("w1", tenant, 500), (r) => r.length > 0, 20_000, 0);
    expect(retry[0]).toMatchObject({ itemAttempt: 2, items: [{ index: 1, item: "b" }] });
    await h.engine.remote.report(tenant, "w1", retry[0]!, [{ index: 1, output: "B" }]);
    const done = await waitFor(() => h.engine.getJob(tenant, job.id), isFinished);
    expect(done.status).toBe("succeeded");
    const results = await h.engine.getResults(tenant, job.id, { limit: 10 });
    expect(results.data.map((r) => r.output)).toEqual(["A", "B", "C"]);
  });

  it("rejects a report from an expired lease and hands the task to another worker", async () => {
    const { job } = await h.engine.submitJob(tenant, { handler: "resize", input: { items: ["x"] } });
    const [first] = await waitFor(() => lease("slow"), (r) => r.length > 0, 20_000, 0);
    // The slow worker stops heartbeating; its visibility timeout lapses and the task is re-leased.
    const [second] = await waitFor(() => lease("fast", tenant, 1000), (r) => r.length > 0, 20_000, 0);
    expect(second!.attempt).toBeGreaterThan(first!.attempt);
    await expect(h.engine.remote.report(tenant, "slow", first!, [{ index: 0, output: "late" }])).rejects.toMatchObject({ status: 409, code: "lease_expired" });
    await h.engine.remote.report(tenant, "fast", second!, [{ index: 0, output: "X" }]);
    expect((await waitFor(() => h.engine.getJob(tenant, job.id), isFinished)).status).toBe("succeeded");
    expect((await h.engine.getResults(tenant, job.id, { limit: 5 })).data).toEqual([{ index: 0, status: "succeeded", output: "X" }]);
  });

  it("never gives one tenant's tasks to another tenant's worker", async () => {
    const other = await h.newTenant();
    await h.engine.remote.registerHandler(other, { name: "resize" });
    const { job } = await h.engine.submitJob(tenant, { handler: "resize", input: { items: [1, 2] } });
    expect(await lease("intruder", other, 800)).toEqual([]);
    const mine = await waitFor(() => lease("owner"), (r) => r.length > 0, 20_000, 0);
    expect(mine[0]!.jobId).toBe(job.id);
    await expect(h.engine.remote.report(other, "intruder", mine[0]!, [])).rejects.toMatchObject({ status: 409 });
    await h.engine.remote.release(tenant, "owner", mine);
  });

  it("refuses to shadow a built-in handler", async () => {
    await expect(h.engine.remote.registerHandler(tenant, { name: "sha256" })).rejects.toMatchObject({ status: 409, code: "handler_name_reserved" });
  });
});

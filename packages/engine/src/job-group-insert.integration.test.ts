// Grouped submits: several jobs in one statement must store exactly what one statement per
// job stores, keep idempotency and the one-foothold-per-idle-tenant rule, and let one bad
// job fail only its own submit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sliceTasks } from "./chunking";
import { insertJobGroup, JobInserter, type JobToInsert } from "./job-group-insert";
import { insertJob, type NewJob } from "./job-insert";
import { taskOrderingKeys } from "./ordering";
import { createHarness, phantomWorker, type Harness } from "./testing/harness";

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await phantomWorker(h, "grp");
});

afterAll(async () => {
  await h?.close();
});

const quiet = { info() {}, warn() {}, error() {}, debug() {}, child: () => quiet };

function entry(tenantId: string, input: { items?: unknown[]; range?: [number, number] }, more: Partial<NewJob> & { chunkSize?: number; lease?: number | null } = {}): JobToInsert {
  const { chunkSize = 2, lease = null, ...jobFields } = more;
  const total = input.items ? input.items.length : input.range![1] - input.range![0];
  const slices = sliceTasks(total, chunkSize);
  const job: NewJob = {
    tenantId, name: "g", handler: "noop", pool: "grp", inputKind: input.items ? "items" : "range",
    rangeFrom: input.range ? BigInt(input.range[0]) : null, rangeTo: input.range ? BigInt(input.range[1]) : null,
    totalItems: total, chunkSize, taskCount: slices.length, priority: 0, maxAttempts: 3, timeoutMs: 30_000,
    backoffBaseMs: 1000, backoffMaxMs: 60_000, orderingKey: null, labels: JSON.stringify({ team: "a" }), idempotencyKey: null,
    requestHash: null, callbackUrl: null, traceparent: null, reducer: "collect", ...jobFields,
  };
  return { job, tasks: { slices, items: input.items, orderingKeys: taskOrderingKeys(slices, job.orderingKey ?? undefined, input.items) }, footholdLeaseMs: lease };
}

/** What a job and its tasks look like stored, without the ids and times that differ between inserts. */
async function stored(jobId: string) {
  const { id, createdAt, tenantId, ...job } = await h.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
  const tasks = await h.db.prisma.task.findMany({ where: { jobId }, orderBy: { seq: "asc" } });
  // Prisma reads SQL NULL and JSON null alike; a range task's items must be SQL NULL.
  const noItems = await h.sql.query<{ n: boolean }>(`SELECT items IS NULL AS n FROM tasks WHERE "jobId" = $1 ORDER BY seq`, [jobId]);
  return { job, tasks: tasks.map(({ jobId: _j, tenantId: _t, createdAt: _c, leaseUntil, ...t }, i) => ({ ...t, leased: leaseUntil !== null, sqlNull: noItems[i]!.n })) };
}

describe("grouped job insert", () => {
  it("stores each job and its tasks exactly as the one-job statement does", async () => {
    const [a, b] = [await h.newTenant(), await h.newTenant()];
    const shapes = (tenant: string): JobToInsert[] => [
      entry(tenant, { items: [{ z: 1, a: { y: 2, b: 3 } }, "x", 7, null, [1, 2]] }, { chunkSize: 2, labels: JSON.stringify({ k: "v" }) }),
      entry(tenant, { range: [5, 12] }, { chunkSize: 3, priority: 4, reducer: "sum", callbackUrl: "http://127.0.0.1:9/hook" }),
      entry(tenant, { items: [{ key: "p" }, { key: "q" }, { key: "p" }] }, { chunkSize: 1, orderingKey: null }),
      entry(tenant, { items: [1, 2, 3] }, { chunkSize: 1, orderingKey: "acct-1", idempotencyKey: "k-1", requestHash: "h" }),
    ];
    const grouped = await insertJobGroup(h.sql, shapes(a));
    const single = [];
    for (const e of shapes(b)) single.push(await insertJob(h.sql, e.job, e.tasks, e.footholdLeaseMs));
    expect(grouped.every((g) => g !== null) && single.every((s) => s !== null)).toBe(true);
    for (let i = 0; i < grouped.length; i++) {
      expect(await stored(grouped[i]!.job.id)).toEqual(await stored(single[i]!.job.id));
      expect(grouped[i]!.job.tenantId).toBe(a);
    }
  });

  it("skips a job whose idempotency key exists, in the table or earlier in the same group", async () => {
    const tenant = await h.newTenant();
    await insertJobGroup(h.sql, [entry(tenant, { items: [1] }, { idempotencyKey: "old" }), entry(tenant, { items: [1] })]);
    const out = await insertJobGroup(h.sql, [
      entry(tenant, { items: [1] }, { idempotencyKey: "old" }),
      entry(tenant, { items: [2] }, { idempotencyKey: "new" }),
      entry(tenant, { items: [3] }, { idempotencyKey: "new" }),
      entry(tenant, { items: [4] }),
    ]);
    expect(out.map((o) => o !== null)).toEqual([false, true, false, true]);
    expect(await h.db.prisma.job.count({ where: { tenantId: tenant } })).toBe(4);
    expect(await h.db.prisma.task.count({ where: { tenantId: tenant } })).toBe(4);
  });

  it("admits at most one foothold per idle tenant and pool, and returns its items as stored", async () => {
    const [a, b] = [await h.newTenant(), await h.newTenant()];
    const lease = { lease: 60_000 };
    const out = await insertJobGroup(h.sql, [
      entry(a, { items: [{ b: 1, a: 2 }] }, lease),
      entry(a, { items: [2] }, lease),
      entry(b, { range: [0, 4] }, lease),
      entry(b, { items: [3] }, { ...lease, pool: "grp-other" }),
    ]);
    expect(out.map((o) => o?.footholdAdmitted)).toEqual([true, false, true, false]); // grp-other has no live worker
    expect(out[0]!.footholdItems).toEqual([{ a: 2, b: 1 }]);
    expect(Object.keys((out[0]!.footholdItems as Record<string, number>[])[0]!)).toEqual(["a", "b"]); // jsonb's key order
    expect(out[2]!.footholdItems).toBeNull();
    const queued = await h.db.prisma.task.findMany({ where: { tenantId: { in: [a, b] }, status: "queued" }, select: { jobId: true, seq: true, admits: true } });
    expect(queued.sort((x, y) => x.jobId.localeCompare(y.jobId))).toEqual([{ jobId: out[0]!.job.id, seq: 0, admits: 1 }, { jobId: out[2]!.job.id, seq: 0, admits: 1 }].sort((x, y) => x.jobId.localeCompare(y.jobId)));
  });

  it("groups concurrent inserts, and a job that fails fails only its own insert", async () => {
    const tenant = await h.newTenant();
    const inserter = new JobInserter(h.sql, quiet);
    const missingTenant = "00000000-0000-4000-8000-000000000000";
    const outcomes = await Promise.allSettled([
      inserter.insert(entry(tenant, { items: [1, 2, 3] })),
      inserter.insert(entry(missingTenant, { items: [1] })),
      inserter.insert(entry(tenant, { range: [0, 10] })),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toMatch(/foreign key/);
    expect(await h.db.prisma.job.count({ where: { tenantId: tenant } })).toBe(2);
    expect(await h.db.prisma.task.count({ where: { tenantId: tenant } })).toBe(2 + 5);
  });

  it("splits a group into statements of at most TASK_BATCH tasks, storing every task once", async () => {
    const tenant = await h.newTenant();
    const inserter = new JobInserter(h.sql, quiet);
    const jobs = await Promise.all([0, 1, 2].map(() => inserter.insert(entry(tenant, { range: [0, 3000] }, { chunkSize: 1 }))));
    for (const j of jobs) expect(await h.db.prisma.task.count({ where: { jobId: j!.job.id } })).toBe(3000);
  });

  it("submits through the engine concurrently: every job stored once, with all its tasks", async () => {
    const tenant = await h.newTenant();
    const jobs = await Promise.all(Array.from({ length: 30 }, (_, i) => h.engine.submitJob(tenant, { handler: "noop", input: { items: [i, i + 1] }, chunkSize: 1 })));
    expect(new Set(jobs.map((j) => j.job.id)).size).toBe(30);
    const rows = await h.db.prisma.task.groupBy({ by: ["jobId"], where: { tenantId: tenant }, _count: true });
    expect(rows.length).toBe(30);
    expect(rows.every((r) => r._count === 2)).toBe(true);
  });
});

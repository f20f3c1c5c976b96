// Grouped submits: several jobs in one statement must store exactly what one statement per
// job stores, keep idempotency and the one-foothold-per-idle-tenant rule, and let one bad
// job fail only its own submit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sliceTasks } from "./chunking";
import { insertJobGroup, JobInserter, type JobToInsert } from "./job-group-insert";
import { insertJob, type NewJob } from "./job-insert";
import { taskOrderingKeys } from "./ordering";
import type { Sql } from "./sql";
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

/** The harness's Sql, recording each statement (a group's: its task count), optionally failing after it ran. */
function recording(failAfter?: (name: string) => Error | undefined) {
  const calls: { name: string; tasks?: number }[] = [];
  const sql: Sql = {
    async query(st, params) {
      const name = typeof st === "string" ? "text" : st.name;
      calls.push({ name, ...(name === "fanout_insert_job_group" ? { tasks: (params![1] as unknown[]).length } : {}) });
      const rows = await h.sql.query(st, params);
      const err = failAfter?.(name);
      if (err) throw err;
      return rows as never;
    },
    exec: (st, params) => h.sql.exec(st, params),
    transaction: (fn) => h.sql.transaction(fn),
  };
  return { sql, calls };
}

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
      entry(tenant, { items: [{ z: 1, a: { y: 2, b: 3 } }, "x", 7, null, [1, 2]] }, { chunkSize: 2, labels: JSON.stringify({ k: "v" }), lease: 60_000 }),
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
      expect(grouped[i]!.footholdAdmitted).toBe(single[i]!.footholdAdmitted);
    }
    expect(grouped[0]!.footholdAdmitted).toBe(true); // the foothold task's status, admits and lease were compared too
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

  it("gives the foothold to the tenant's first job stored, not to a duplicate skipped before it", async () => {
    const tenant = await h.newTenant();
    await insertJobGroup(h.sql, [entry(tenant, { items: [1] }, { idempotencyKey: "dup", pool: "grp-none" }), entry(tenant, { items: [1] }, { pool: "grp-none" })]);
    const out = await insertJobGroup(h.sql, [
      entry(tenant, { items: [1] }, { idempotencyKey: "dup", lease: 60_000 }),
      entry(tenant, { items: [2] }, { lease: 60_000 }),
    ]);
    expect(out.map((o) => o?.footholdAdmitted ?? null)).toEqual([null, true]);
  });

  it("groups concurrent inserts, and a job that fails fails only its own insert", async () => {
    const tenant = await h.newTenant();
    const rec = recording();
    const inserter = new JobInserter(rec.sql, quiet);
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
    // One group statement (refused), then each job on its own.
    expect(rec.calls.map((c) => c.name)).toEqual(["fanout_insert_job_group", "fanout_insert_job", "fanout_insert_job", "fanout_insert_job"]);
  });

  it("fails every job of a group that may have committed, and never inserts them again", async () => {
    const tenant = await h.newTenant();
    const rec = recording((name) => (name === "fanout_insert_job_group" ? new Error("Connection terminated unexpectedly") : undefined));
    const inserter = new JobInserter(rec.sql, quiet);
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => inserter.insert(entry(tenant, { items: [i] }))));
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(rec.calls.map((c) => c.name)).toEqual(["fanout_insert_job_group"]);
    expect(await h.db.prisma.job.count({ where: { tenantId: tenant } })).toBe(3); // committed once, as the error could not tell
  });

  it("groups keyed submits apart from the others", async () => {
    const tenant = await h.newTenant();
    const rec = recording();
    const inserter = new JobInserter(rec.sql, quiet);
    await Promise.all([
      inserter.insert(entry(tenant, { items: [1] })),
      inserter.insert(entry(tenant, { items: [2] }, { idempotencyKey: "ka" })),
      inserter.insert(entry(tenant, { items: [3] })),
      inserter.insert(entry(tenant, { items: [4] }, { idempotencyKey: "kb" })),
    ]);
    expect(rec.calls).toEqual([{ name: "fanout_insert_job_group", tasks: 2 }, { name: "fanout_insert_job_group", tasks: 2 }]);
  });

  it("splits a group into statements of at most TASK_BATCH tasks or 1 MiB of requests, storing every task once", async () => {
    const tenant = await h.newTenant();
    const rec = recording();
    const inserter = new JobInserter(rec.sql, quiet);
    const jobs = await Promise.all([0, 1, 2, 3].map(() => inserter.insert(entry(tenant, { range: [0, 2000] }, { chunkSize: 1 }))));
    for (const j of jobs) expect(await h.db.prisma.task.count({ where: { jobId: j!.job.id } })).toBe(2000);
    expect(rec.calls).toEqual([{ name: "fanout_insert_job_group", tasks: 4000 }, { name: "fanout_insert_job_group", tasks: 4000 }]);

    rec.calls.length = 0;
    const big = (i: number) => ({ ...entry(tenant, { items: [i] }), bytes: 200_000 });
    await Promise.all([0, 1, 2, 3, 4, 5].map((i) => inserter.insert(big(i))));
    // 5 × 200 kB fit in 1 MiB; the sixth goes on its own, in the one-job statement.
    expect(rec.calls).toEqual([{ name: "fanout_insert_job_group", tasks: 5 }, { name: "fanout_insert_job" }]);
    await inserter.insert({ ...entry(tenant, { items: [9] }), bytes: 300_000 });
    expect(rec.calls.at(-1)!.name).toBe("fanout_insert_job"); // over 256 KiB: alone
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

// Design point 9 (admission by weighted fair share): with every worker slot contended,
// each tenant's completed work over a window is proportional to its quota weight, and
// splitting work over many jobs buys a tenant nothing (fairness is per tenant, not per job).
//
// Method: every item sleeps the same time and chunkSize is 1, so tasks are equal and a
// tenant's completions are proportional to the slots it holds. The scheduler admits at
// most one task per worker slot (inflightPerSlot: 1), so nothing queues in BullMQ and
// admission alone decides who runs. Completions are counted from the tasks' server-side
// finishedAt over a window opened after a warm-up (so the ramp from "first submitter gets
// everything" to steady state is not measured).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./testing/harness";
import type { SchedulerHandle, WorkerHandle } from "./engine";

const ITEM_MS = 100;
const SLOTS_PER_WORKER = 6; // two workers: 12 slots, so 3:2:1 is exactly 6/4/2 slots
const WARMUP_MS = 3_000;
const WINDOW_MS = 10_000;
const TOLERANCE = 0.1; // relative
// Shares mean something once one item either way moves the smallest one by at most half
// the tolerance. This is a fairness test, not a throughput test (the bench measures that):
// the floor only guards against a window too empty to judge.
const MIN_PER_TENANT = Math.ceil(2 / TOLERANCE);

let h: Harness;
const handles: (WorkerHandle | SchedulerHandle)[] = [];

beforeAll(async () => {
  h = await createHarness();
  handles.push(h.engine.createScheduler({ inflightPerSlot: 1, shortTaskExtraDepth: 0 }));
  for (let i = 0; i < 2; i++) handles.push(h.engine.createWorker({ concurrency: SLOTS_PER_WORKER }));
  for (const hd of handles) await hd.start();
});

afterAll(async () => {
  await h?.close();
});

const sleepJob = (items: number) => ({ handler: "sleep", input: { items: Array<number>(items).fill(ITEM_MS) }, chunkSize: 1 });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function serverNow(): Promise<Date> {
  const [row] = await h.db.prisma.$queryRawUnsafe<{ now: Date }[]>(`SELECT clock_timestamp() AS now`);
  return row!.now;
}

/** Items each tenant finished inside the window, by the tasks' own finishedAt. */
async function completedIn(tenants: string[], from: Date, to: Date): Promise<number[]> {
  const rows = await h.db.prisma.$queryRawUnsafe<{ tenantId: string; n: number }[]>(
    `SELECT "tenantId", sum("itemCount")::int AS n FROM tasks
     WHERE "tenantId" = ANY($1::uuid[]) AND status = 'done' AND "finishedAt" > $2 AND "finishedAt" <= $3
     GROUP BY "tenantId"`,
    tenants,
    from,
    to,
  );
  return tenants.map((t) => rows.find((r) => r.tenantId === t)?.n ?? 0);
}

/** Admission rounds so far by trigger and outcome: printed with the shares, so a slow run says whether wake-ups drove rounds. */
async function rounds(): Promise<string> {
  const m = await h.engine.metrics.registry.getSingleMetric("fanout_admission_rounds_total")?.get();
  return (m?.values ?? []).map((v) => `${v.labels.trigger}/${v.labels.outcome}=${v.value}`).sort().join(" ");
}

/** Warm up, then count completions over the window; reports and returns the shares. */
async function measureShares(label: string, tenants: string[]): Promise<{ counts: number[]; shares: number[] }> {
  await pause(WARMUP_MS);
  const from = await serverNow();
  await pause(WINDOW_MS);
  const to = await serverNow();
  const counts = await completedIn(tenants, from, to);
  // Shares only measure fairness if nobody ran out of work: each tenant still has tasks waiting.
  const waiting = await Promise.all(tenants.map((t) => h.db.prisma.task.count({ where: { tenantId: t, status: "pending" } })));
  expect(Math.min(...waiting), `tasks still waiting per tenant: ${waiting.join(" / ")}`).toBeGreaterThan(0);
  const total = counts.reduce((a, b) => a + b, 0);
  const shares = counts.map((c) => c / total);
  console.log(`[fairness] ${label}: items completed in ${WINDOW_MS} ms = ${counts.join(" / ")}; shares = ${shares.map((s) => s.toFixed(3)).join(" / ")}; rounds: ${await rounds()}`);
  return { counts, shares };
}

async function cancelAll(tenantJobs: [string, string][]) {
  for (const [tenant, job] of tenantJobs) await h.engine.cancelJob(tenant, job);
}

/** Asserts |share / expected − 1| ≤ TOLERANCE for each tenant, naming the one that missed. */
function expectShares(shares: number[], expected: number[], names: string[]) {
  const off = shares.map((s, i) => ({ tenant: names[i], share: +s.toFixed(3), expected: +expected[i]!.toFixed(3), relErr: +Math.abs(s / expected[i]! - 1).toFixed(3) }));
  expect(off.filter((o) => o.relErr > TOLERANCE), JSON.stringify(off)).toEqual([]);
}

describe("weighted fair share under saturation", () => {
  it("three tenants weighted 3:2:1 complete work in the ratio 3:2:1 (±10%)", async () => {
    const weights = [3, 2, 1];
    const tenants: string[] = [];
    for (const w of weights) tenants.push(await h.newTenant(w));
    // Enough work that nobody runs dry: the whole system does < 120 items/s.
    const jobs: [string, string][] = [];
    for (const t of tenants) jobs.push([t, (await h.engine.submitJob(t, sleepJob(3_000))).job.id]);

    const { counts, shares } = await measureShares("weights 3:2:1", tenants);
    await cancelAll(jobs);
    expect(Math.min(...counts), "every tenant made progress in the window").toBeGreaterThanOrEqual(MIN_PER_TENANT);
    expectShares(shares, weights.map((w) => w / 6), ["w3", "w2", "w1"]);
  }, 60_000);

  it("a tenant that splits its work over 10 jobs gets the same share as one with 1 job", async () => {
    const single = await h.newTenant(1);
    const splitter = await h.newTenant(1);
    const jobs: [string, string][] = [];
    // The splitter submits first, so any per-job bias would favour it from the start.
    for (let i = 0; i < 10; i++) jobs.push([splitter, (await h.engine.submitJob(splitter, sleepJob(300))).job.id]);
    jobs.push([single, (await h.engine.submitJob(single, sleepJob(3_000))).job.id]);

    const { counts, shares } = await measureShares("1 job vs 10 jobs, equal weight", [single, splitter]);
    await cancelAll(jobs);
    expect(Math.min(...counts), "every tenant made progress in the window").toBeGreaterThanOrEqual(MIN_PER_TENANT);
    expectShares(shares, [0.5, 0.5], ["1 job", "10 jobs"]);
  }, 60_000);
});

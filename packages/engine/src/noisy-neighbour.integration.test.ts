// Design point 9 ("a flooding tenant never starves another"): tenant A floods 100,000
// one-item tasks and keeps every worker slot busy; tenant B's new single-item jobs must
// still start within a few hundred milliseconds. Start latency is the task's startedAt (the
// worker's clock as it calls the handler; the test runs on one host) minus the job's
// createdAt (the submit transaction's), so client scheduling does not enter.
//
// The engine runs as deployed: the default scheduler (two in-flight tasks per slot, so
// workers never idle between rounds) and in-process workers. A's items sleep 200 ms: the 16
// slots are a real bottleneck (A could use 80 tasks/s), yet with no pre-emption a newcomer
// waits only ~200/16 ≈ 12 ms on average for a slot to free, so what dominates B's latency
// is the engine's own path: wake-up, admission round, BullMQ hand-off and claim.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, isFinished, waitFor, type Harness } from "./testing/harness";

const FLOOD_TASKS = 100_000;
const FLOOD_ITEM_MS = Number(process.env.FLOOD_ITEM_MS ?? 200);
const WORKERS = 2;
const CONCURRENCY = 8;
const B_JOBS = 10;
const LIMIT_MS = 500;

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
  await h.engine.createScheduler().start();
  for (let i = 0; i < WORKERS; i++) await h.engine.createWorker({ concurrency: CONCURRENCY }).start();
});

afterAll(async () => {
  await h?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

describe("a flooding tenant does not delay another tenant's new jobs", () => {
  it(`B's single-item jobs start within ${LIMIT_MS} ms while A floods ${FLOOD_TASKS} tasks at full capacity`, async () => {
    const a = await h.newTenant(1);
    const b = await h.newTenant(1);

    const t0 = performance.now();
    const { job: flood } = await h.engine.submitJob(a, { handler: "sleep", input: { items: Array<number>(FLOOD_TASKS).fill(FLOOD_ITEM_MS) }, chunkSize: 1 });
    const submitMs = performance.now() - t0;
    expect(flood.taskCount).toBe(FLOOD_TASKS);
    console.log(`[noisy] submit of ${FLOOD_TASKS} one-item tasks took ${submitMs.toFixed(0)} ms`);

    // Full capacity: every slot of every worker runs one of A's tasks. Checked softly so
    // that, if the engine cannot keep the slots busy, B's latencies are still measured.
    // Slots held, as the workers' heartbeats report them (every 667 ms here): task rows say
    // running only once a lease mark lands, ~100 ms into a run (lazy leases, lease.ts), so
    // 200 ms tasks show as running about half the time and all 16 seldom at once.
    const slots = WORKERS * CONCURRENCY;
    const slotsHeld = async () =>
      (await h.db.prisma.workerHeartbeat.aggregate({ _sum: { running: true } }))._sum.running ?? 0;
    const saturated = await waitFor(slotsHeld, (n) => n >= slots, 20_000).then(() => true, () => false);
    expect.soft(saturated, `A never held all ${slots} slots within 20 s`).toBe(true);
    await pause(1_000); // settle into the steady state (queue topped up, rounds back to back)

    const latencies: number[] = [];
    const held: number[] = []; // slots held (last heartbeats) right after each B job finished
    for (let i = 0; i < B_JOBS; i++) {
      const { job } = await h.engine.submitJob(b, { handler: "noop", input: { items: [i] } });
      // Poll the job row itself: getJob's why-waiting queries every 10 ms would load the
      // very process whose workers and scheduler are being measured.
      const done = await waitFor(() => h.db.prisma.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true } }), isFinished, 30_000, 10);
      expect(done.status).toBe("succeeded");
      const [row] = await h.db.prisma.$queryRawUnsafe<{ ms: number }[]>(
        `SELECT (extract(epoch FROM t."startedAt" - j."createdAt") * 1000)::float8 AS ms
         FROM tasks t JOIN jobs j ON j.id = t."jobId" WHERE t."jobId" = $1::uuid`,
        job.id,
      );
      latencies.push(row!.ms);
      held.push(await slotsHeld());
      await pause(150 + Math.floor(Math.random() * 150)); // arrive at varied points of A's task cycle
    }

    const floodNow = await h.engine.getJob(a, flood.id);
    await h.engine.cancelJob(a, flood.id);
    expect(floodNow.status).toBe("running");
    expect(floodNow.progress.succeeded).toBeLessThan(FLOOD_TASKS); // A was still flooding at the end

    const sorted = [...latencies].sort((x, y) => x - y);
    console.log(
      `[noisy] A: ${FLOOD_ITEM_MS} ms items on ${slots} slots, ${floodNow.progress.succeeded} done by the end; ` +
        `B start latency (ms) over ${B_JOBS} jobs: p50 ${pct(sorted, 50).toFixed(0)}, p90 ${pct(sorted, 90).toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}; ` +
        `all: ${latencies.map((l) => l.toFixed(0)).join(", ")}; slots held after each: ${held.join(", ")}`,
    );
    expect(sorted.at(-1)!, `B start latencies (ms): ${latencies.map((l) => l.toFixed(0)).join(", ")}`).toBeLessThan(LIMIT_MS);
    // Cancel stops what is in flight at once; never-admitted tasks are swept later in batches.
    expect(await h.db.prisma.task.count({ where: { jobId: flood.id, status: { in: ["queued", "running", "backoff"] } } })).toBe(0);
  }, 120_000);
});

// Scenario 4: noisy neighbour. (a) Tenant A floods F single-item tasks while tenant B submits
// single-item jobs at 10/s: B's p99 start latency against its idle p99 (scenario 3). Baseline:
// the same flood and trickle on one raw BullMQ queue (FIFO, no tenants). (b) Three tenants of
// weights 3:2:1 saturate the cluster: their shares of completed tasks while all have backlog.
import { scoped } from "./lib/cleanup";
import { startBaseline } from "./lib/bullmq";
import { fanoutEnv, startCluster, type FanoutEnv } from "./lib/fanout";
import { recordBullEvents } from "./lib/bull-events";
import { printActivity, samplePgActivity } from "./lib/pg-activity";
import { median, percentile, sleep } from "./lib/stats";
import { le, type BenchContext, type Metric, type Scenario } from "./lib/types";
import { baselineIdle, fanoutIdle, trickle, waitAllFinished } from "./latency";

const QUIET_GAP_MS = 100; // 10 jobs/s

/** Latencies (accepted → started) of B's jobs accepted while the flood still had work. */
async function quietLatencies(env: FanoutEnv, ids: string[], floodEnd: number): Promise<number[]> {
  const rows = await env.db.prisma.$queryRawUnsafe<{ ms: number }[]>(
    `SELECT (extract(epoch FROM min(t."startedAt")) - extract(epoch FROM j."createdAt")) * 1000 AS ms
     FROM jobs j JOIN tasks t ON t."jobId" = j.id
     WHERE j.id = ANY($1::uuid[]) AND extract(epoch FROM j."createdAt") * 1000 < $2 GROUP BY j.id, j."createdAt"`,
    ids,
    floodEnd,
  );
  return rows.map((r) => Number(r.ms));
}

async function fanoutFlood(ctx: BenchContext, flood: number) {
  const env = await fanoutEnv();
  const [a, b] = [await env.newTenant(1), await env.newTenant(1)];
  await startCluster(env, { workers: ctx.workers, concurrency: ctx.concurrency, cpuProfDir: ctx.cpuProfDir });
  await waitAllFinished(env, await trickle(env, b, 5, QUIET_GAP_MS)); // warm-up
  const floodId = await env.submit(a, { name: "flood", handler: "noop", input: { range: { from: 0, to: flood } }, chunkSize: 1 });
  let floodJob = await env.job(floodId);
  while (floodJob.startedAt === null) floodJob = (await sleep(20), await env.job(floodId));
  let done = false;
  const events = await recordBullEvents(env);
  const act = ctx.pgActivity ? samplePgActivity(env.db.url) : undefined;
  const watch = env.waitFinished(floodId, 60 * 60_000, 100).finally(() => (done = true));
  watch.catch(() => {}); // awaited below; the trickle stops either way
  const ids = await trickle(env, b, Number.MAX_SAFE_INTEGER, QUIET_GAP_MS, () => done);
  floodJob = await watch;
  const pgActivity = await act?.stop();
  if (pgActivity) printActivity(ctx.log, pgActivity);
  await waitAllFinished(env, ids);
  const lat = await quietLatencies(env, ids, floodJob.finishedAt!);
  const parts = await events.breakdown(ids);
  return { lat, parts, pgActivity, floodTasksPerSec: flood / ((floodJob.finishedAt! - floodJob.createdAt) / 1000) };
}

async function baselineFlood(ctx: BenchContext, flood: number) {
  const b = await startBaseline(ctx.workers * ctx.concurrency);
  const opts = { removeOnComplete: true, removeOnFail: true };
  const floodDone = await b.expect("flood", flood);
  let done = false;
  const watch = floodDone().finally(() => (done = true));
  watch.catch(() => {}); // awaited below
  const adding = b.addMany("flood", flood);
  await sleep(QUIET_GAP_MS);
  let quiet = 0;
  while (!done) {
    const t = Date.now();
    await b.queue.add("quiet", { i: quiet++ }, opts);
    await sleep(Math.max(0, QUIET_GAP_MS - (Date.now() - t)));
  }
  await Promise.all([adding, watch]);
  for (;;) {
    const l = await b.latencies("quiet");
    if (l.values.length >= quiet) return l.values;
    await sleep(50);
  }
}

async function weighted(ctx: BenchContext, perTenant: number, maxWindowMs: number) {
  const env = await fanoutEnv();
  const weights = [3, 2, 1];
  const tenants = await Promise.all(weights.map((w) => env.newTenant(w)));
  await startCluster(env, { workers: ctx.workers, concurrency: ctx.concurrency, cpuProfDir: ctx.cpuProfDir });
  const jobs = await Promise.all(tenants.map((t, i) => env.submit(t, { name: `weight-${weights[i]}`, handler: "noop", input: { range: { from: 0, to: perTenant } }, chunkSize: 1 })));
  // Window: from 1 s after all three started (the cluster fills up) until the first job
  // finishes or maxWindowMs passed, whichever comes first; all three are backlogged throughout.
  let first: number | null = null;
  let started = 0;
  while (first === null) {
    await sleep(100);
    const js = await Promise.all(jobs.map((j) => env.job(j)));
    if (started === 0 && js.every((j) => j.startedAt !== null)) started = Math.max(...js.map((j) => j.startedAt!));
    const fin = js.filter((j) => j.finishedAt !== null).map((j) => j.finishedAt!);
    if (fin.length) first = Math.min(...fin);
    else if (started && Date.now() > started + 1000 + maxWindowMs) first = started + 1000 + maxWindowMs;
  }
  const from = started + 1000;
  const rows = await env.db.prisma.$queryRawUnsafe<{ tenantId: string; n: number }[]>(
    `SELECT "tenantId", count(*)::int AS n FROM tasks WHERE "jobId" = ANY($1::uuid[]) AND status = 'done'
       AND extract(epoch FROM "finishedAt") * 1000 > $2 AND extract(epoch FROM "finishedAt") * 1000 <= $3 GROUP BY "tenantId"`,
    jobs,
    from,
    first,
  );
  await Promise.all(tenants.map((t, i) => env.engine.cancelJob(t, jobs[i]!).catch(() => {})));
  const counts = tenants.map((t) => rows.find((r) => r.tenantId === t)?.n ?? 0);
  const total = counts.reduce((x, y) => x + y, 0);
  return { shares: counts.map((c) => c / total), counts, windowSeconds: (first! - from) / 1000 };
}

export const noisyNeighbour: Scenario = {
  id: 4,
  key: "noisy",
  title: "Noisy neighbour and weighted shares",
  async run(ctx, res) {
    const flood = ctx.quick ? 2500 : 100_000;
    const perTenant = ctx.quick ? 2000 : 12_000;
    const p99: Metric = { name: "quiet tenant p99 start latency under flood", unit: "ms", decimals: 1, fanout: [], baseline: [], ratio: [] };
    const p50: Metric = { name: "quiet tenant p50 start latency under flood", unit: "ms", decimals: 1, fanout: [], baseline: [], ratio: [] };
    const vsIdle: Metric = { name: "quiet p99 under flood ÷ idle p99", unit: "×", decimals: 2, fanout: [], baseline: [], target: { on: "fanout", ...le(2, "≤ 2×") } };
    const expected = [3 / 6, 2 / 6, 1 / 6];
    const shares: Metric[] = expected.map((e, i) => ({
      name: `throughput share, weight ${3 - i} tenant (expected ${e.toFixed(3)})`,
      unit: "",
      decimals: 3,
      fanout: [],
      target: { on: "fanout", text: `${e.toFixed(2)} ± 0.05`, ok: (v: number) => Math.abs(v - e) <= 0.05 },
    }));
    const part = (name: string): Metric => ({ name: `quiet tenant p99 under flood: ${name}`, unit: "ms", decimals: 1, fanout: [] });
    const parts = { enqueue: part("accepted → added to BullMQ"), pickup: part("added → taken by a worker"), claim: part("taken → handler start") };
    res.metrics.push(p99, p50, vsIdle, parts.enqueue, parts.pickup, parts.claim, ...shares);
    let idle = ctx.shared.idleP99?.length ? median(ctx.shared.idleP99) : undefined;
    let idleBull = ctx.shared.idleP99Bull?.length ? median(ctx.shared.idleP99Bull) : undefined;
    res.notes.push(
      `(a) Tenant A submits one job of ${flood.toLocaleString("en-US")} single-item tasks (chunkSize 1); once it runs, tenant B submits single-item jobs every ${QUIET_GAP_MS} ms until the flood finishes; B's latency = jobs.createdAt → tasks.startedAt of jobs accepted before the flood finished. Both tenants weight 1. Baseline: the same flood (addBulk) and 10/s trickle on one raw BullMQ queue, which has no notion of tenants. The "quiet tenant p99 under flood: …" rows split B's latency at BullMQ's "added" and "active" events (each row is its own p99). The events are read on a thread of their own, not on the event loop that submits B's jobs; until 2026-12-03 20:50 UTC they shared it, which added about 5 ms to B's p99 (lib/bull-events.ts).`,
      idle !== undefined
        ? `Idle p99 = the median idle p99 of scenario 3 in this invocation (Fanout ${idle.toFixed(1)} ms; BullMQ ${idleBull?.toFixed(1)} ms).`
        : "Idle p99 measured in each run as in scenario 3 (scenario 3 did not run).",
      `(b) Tenants of weight 3, 2 and 1 each submit ${perTenant.toLocaleString("en-US")} single-item tasks at once; shares = tasks each finished from 1 s after all three started until the first job finished or ${ctx.quick ? 8 : 60} s passed (all three backlogged throughout). The ± 0.05 tolerance is this benchmark's choice; the issue sets no number.`,
    );
    for (let i = 1; i <= ctx.runs; i++) {
      const runIdle = idle ?? percentile((await scoped(() => fanoutIdle(ctx, 100, 20))).lat, 99);
      const runIdleBull = idleBull ?? percentile(await scoped(() => baselineIdle(ctx, 100, 20)), 99);
      const bl = await scoped(() => baselineFlood(ctx, flood));
      const f = await scoped(() => fanoutFlood(ctx, flood));
      const fs = { p50: percentile(f.lat, 50), p99: percentile(f.lat, 99) };
      const bs = { p50: percentile(bl, 50), p99: percentile(bl, 99) };
      p99.fanout.push(fs.p99);
      p99.baseline!.push(bs.p99);
      p99.ratio!.push(fs.p99 / Math.max(bs.p99, 0.5));
      p50.fanout.push(fs.p50);
      p50.baseline!.push(bs.p50);
      p50.ratio!.push(fs.p50 / Math.max(bs.p50, 0.5));
      vsIdle.fanout.push(fs.p99 / runIdle);
      for (const k of ["enqueue", "pickup", "claim"] as const) parts[k].fanout.push(percentile(f.parts[k], 99));
      vsIdle.baseline!.push(bs.p99 / Math.max(runIdleBull, 0.5));
      const w = await scoped(() => weighted(ctx, perTenant, ctx.quick ? 8000 : 60_000));
      w.shares.forEach((s, k) => shares[k]!.fanout.push(s));
      res.details.push({ run: i, idleP99: runIdle, idleP99Bull: runIdleBull, fanout: { ...fs, samples: f.lat.length, max: Math.max(...f.lat), floodTasksPerSec: f.floodTasksPerSec, pgActivity: f.pgActivity }, baseline: { ...bs, samples: bl.length, max: Math.max(...bl) }, weighted: w });
      ctx.log(
        `run ${i}: quiet p99 ${fs.p99.toFixed(1)} ms (p50 ${fs.p50.toFixed(1)}, ${f.lat.length} jobs) = ${(fs.p99 / runIdle).toFixed(2)}× idle; BullMQ quiet p99 ${bs.p99.toFixed(0)} ms; flood ran at ${f.floodTasksPerSec.toFixed(0)} tasks/s; shares ${w.shares.map((s) => s.toFixed(3)).join(" / ")} over ${w.windowSeconds.toFixed(1)} s (${w.counts.join("/")} tasks)`,
      );
    }
  },
};

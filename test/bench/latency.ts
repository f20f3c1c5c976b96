// Scenario 3: scheduling latency on an idle system. Single-item jobs are submitted one at a
// time, ~20 ms apart; latency = job accepted (jobs.createdAt, Postgres) → handler start
// (tasks.startedAt: the worker's clock as it calls the handler; one host, one clock).
// Baseline: raw BullMQ add → processor start (job.timestamp vs Date.now() in the worker
// process; same clock, same millisecond resolution).
import { scoped } from "./lib/cleanup";
import { startBaseline } from "./lib/bullmq";
import { fanoutEnv, startCluster, startLatencies, type FanoutEnv } from "./lib/fanout";
import { recordBullEvents, type Breakdown } from "./lib/bull-events";
import { printActivity, samplePgActivity } from "./lib/pg-activity";
import { percentile, sleep } from "./lib/stats";
import { le, type BenchContext, type Metric, type Scenario } from "./lib/types";

const WARMUP = 10;

/** Submits `n` single-item jobs `gapMs` apart; resolves with their ids once all have finished. */
export async function trickle(env: FanoutEnv, tenant: string, n: number, gapMs: number, until?: () => boolean): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n && !(until?.() ?? false); i++) {
    const t = Date.now();
    ids.push(await env.submit(tenant, { name: `single-${i}`, handler: "noop", input: { items: [i] } }));
    await sleep(Math.max(0, gapMs - (Date.now() - t)));
  }
  return ids;
}

export async function waitAllFinished(env: FanoutEnv, ids: string[], timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const [r] = await env.db.prisma.$queryRawUnsafe<{ open: number }[]>(
      `SELECT count(*)::int AS open FROM jobs WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running')`,
      ids,
    );
    if (r!.open === 0) return;
    if (Date.now() > end) throw new Error(`${r!.open} of ${ids.length} jobs still unfinished after ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** Idle Fanout: accepted → started of n single-item jobs, and where that time goes. */
export async function fanoutIdle(ctx: BenchContext, n: number, gapMs: number): Promise<{ lat: number[]; parts: Breakdown; pgActivity?: unknown }> {
  const env = await fanoutEnv();
  const tenant = await env.newTenant();
  await startCluster(env, { workers: ctx.workers, concurrency: ctx.concurrency, cpuProfDir: ctx.cpuProfDir });
  await waitAllFinished(env, await trickle(env, tenant, WARMUP, gapMs));
  const act = ctx.pgActivity ? samplePgActivity(env.db.url) : undefined;
  const events = await recordBullEvents(env);
  const ids = await trickle(env, tenant, n, gapMs);
  await waitAllFinished(env, ids);
  const pgActivity = await act?.stop();
  if (pgActivity) printActivity(ctx.log, pgActivity);
  return { lat: await startLatencies(env, ids), parts: await events.breakdown(ids), pgActivity };
}

export async function baselineIdle(ctx: BenchContext, n: number, gapMs: number): Promise<number[]> {
  const b = await startBaseline(ctx.workers * ctx.concurrency);
  const opts = { removeOnComplete: true, removeOnFail: true };
  for (const [name, count] of [["warmup", WARMUP], ["single", n]] as const) {
    const done = await b.expect(name, count);
    for (let i = 0; i < count; i++) {
      const t = Date.now();
      await b.queue.add(name, { i }, opts);
      await sleep(Math.max(0, gapMs - (Date.now() - t)));
    }
    await done();
  }
  return (await b.latencies("single")).values;
}

export const latency: Scenario = {
  id: 3,
  key: "latency",
  title: "Scheduling latency, idle system",
  async run(ctx, res) {
    const n = ctx.quick ? 60 : 200;
    const gap = 20;
    const p50: Metric = { name: "start latency p50", unit: "ms", decimals: 1, fanout: [], baseline: [], ratio: [], target: { on: "fanout", ...le(5, "≤ 5 ms") } };
    const p99: Metric = { name: "start latency p99", unit: "ms", decimals: 1, fanout: [], baseline: [], ratio: [], target: { on: "fanout", ...le(20, "≤ 20 ms") } };
    const part = (name: string): Metric => ({ name: `p50 ${name}`, unit: "ms", decimals: 1, fanout: [] });
    const parts = { enqueue: part("accepted → added to BullMQ"), pickup: part("added → taken by a worker"), claim: part("taken → handler start (startedAt)") };
    res.metrics.push(p50, p99, parts.enqueue, parts.pickup, parts.claim);
    res.notes.push(
      `${n} single-item noop jobs per run, submitted one at a time through the engine's submitJob (what POST /api/v1/jobs calls) about ${gap} ms apart, after ${WARMUP} warm-up jobs. Fanout latency = jobs.createdAt → tasks.startedAt (the worker's Date.now() as the handler is called, after its claim; same host clock), millisecond timestamps. Baseline: raw BullMQ Queue.add → processor start for the same count and spacing (job.timestamp vs the worker's Date.now()). The three "p50 …" rows split Fanout's latency at BullMQ's "added" and "active" events (Redis stream ids, ms); their p50s need not add up to the total's.`,
    );
    ctx.shared.idleP99 = p99.fanout;
    ctx.shared.idleP99Bull = p99.baseline;
    for (let i = 1; i <= ctx.runs; i++) {
      const b = await scoped(() => baselineIdle(ctx, n, gap));
      const { lat: f, parts: brk, pgActivity } = await scoped(() => fanoutIdle(ctx, n, gap));
      for (const k of ["enqueue", "pickup", "claim"] as const) parts[k].fanout.push(percentile(brk[k], 50));
      const fs = { p50: percentile(f, 50), p99: percentile(f, 99) };
      const bs = { p50: percentile(b, 50), p99: percentile(b, 99) };
      p50.fanout.push(fs.p50);
      p50.baseline!.push(bs.p50);
      p50.ratio!.push(fs.p50 / Math.max(bs.p50, 0.5));
      p99.fanout.push(fs.p99);
      p99.baseline!.push(bs.p99);
      p99.ratio!.push(fs.p99 / Math.max(bs.p99, 0.5));
      const brkP = Object.fromEntries(Object.entries(brk).map(([k, v]) => [k, { p50: percentile(v, 50), p99: percentile(v, 99), samples: v.length }]));
      res.details.push({ run: i, fanout: { ...fs, max: Math.max(...f), samples: f.length, breakdown: brkP, pgActivity }, baseline: { ...bs, max: Math.max(...b), samples: b.length } });
      ctx.log(`run ${i}: Fanout p50 ${fs.p50.toFixed(1)} ms, p99 ${fs.p99.toFixed(1)} ms (max ${Math.max(...f).toFixed(0)}); BullMQ p50 ${bs.p50.toFixed(1)} ms, p99 ${bs.p99.toFixed(1)} ms`);
    }
    if (p50.ratio!.length) res.notes.push("Latency ratios divide by the baseline floored at 0.5 ms (millisecond timestamps make 0 ms common).");
  },
};

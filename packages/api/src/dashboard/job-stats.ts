// Charts for one job, aggregated on the server from a bounded sample of its tasks: at most
// MAX_SAMPLE rows are read (evenly spaced by seq, each an index probe on the primary key),
// whatever the job's size, and a few hundred numbers go back to the browser.
import { notFound } from "@fanout/validators";
import type { Db } from "../types";

export const MAX_SAMPLE = 5_000;
const BUCKET_CHOICES = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];
const MAX_BUCKETS = 60;
const RECENT_WINDOW_MS = 30_000;

/** Histogram edges in ms (upper bounds); the last bucket is open-ended. */
export const LATENCY_EDGES_MS = [10, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000];

export interface Percentiles {
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export interface JobStats {
  /** Tasks read (`sampled`) out of `taskCount`, one in every `step`. */
  sample: { sampled: number; taskCount: number; step: number };
  bucketSeconds: number;
  /** Items finished per second in each time bucket (estimated from the sample). */
  throughput: { at: string; itemsPerSec: number }[];
  /** Items per second over the last few buckets (or the whole run once finished). */
  recentItemsPerSec: number;
  runMs: Percentiles;
  waitMs: Percentiles;
  /** Counts per LATENCY_EDGES_MS bucket (scaled by `step`). */
  runHistogram: { le: number | null; label: string; count: number }[];
  waitHistogram: { le: number | null; label: string; count: number }[];
}

interface Row {
  status: string;
  itemCount: number;
  waitMs: number | null;
  runMs: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: null, p90: null, p99: null, max: null };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1]! };
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`);

export function histogram(values: number[], weight = 1) {
  const counts = new Array<number>(LATENCY_EDGES_MS.length + 1).fill(0);
  for (const v of values) {
    const i = LATENCY_EDGES_MS.findIndex((edge) => v <= edge);
    counts[i < 0 ? LATENCY_EDGES_MS.length : i]! += weight;
  }
  return counts.map((count, i) => ({
    le: LATENCY_EDGES_MS[i] ?? null,
    label: i < LATENCY_EDGES_MS.length ? `≤${fmtMs(LATENCY_EDGES_MS[i]!)}` : `>${fmtMs(LATENCY_EDGES_MS[LATENCY_EDGES_MS.length - 1]!)}`,
    count,
  }));
}

export function pickBucketSeconds(spanSeconds: number): number {
  return BUCKET_CHOICES.find((b) => spanSeconds / b <= MAX_BUCKETS) ?? BUCKET_CHOICES[BUCKET_CHOICES.length - 1]!;
}

/** Buckets finished items over [from, to] and estimates items/s per bucket. */
export function throughputSeries(rows: Row[], step: number, from: Date, to: Date) {
  const span = Math.max(1, (to.getTime() - from.getTime()) / 1000);
  const bucketSeconds = pickBucketSeconds(span);
  const start = Math.floor(from.getTime() / 1000 / bucketSeconds) * bucketSeconds * 1000;
  const n = Math.max(1, Math.ceil((to.getTime() - start) / 1000 / bucketSeconds));
  const items = new Array<number>(n).fill(0);
  for (const r of rows) {
    if (r.status !== "done" || !r.finishedAt) continue;
    const i = Math.floor((r.finishedAt.getTime() - start) / 1000 / bucketSeconds);
    if (i >= 0 && i < n) items[i]! += r.itemCount * step;
  }
  return {
    bucketSeconds,
    series: items.map((v, i) => ({ at: new Date(start + i * bucketSeconds * 1000).toISOString(), itemsPerSec: v / bucketSeconds })),
  };
}

export async function jobStats(prisma: Db, tenantId: string, jobId: string, now = new Date()): Promise<JobStats> {
  const job = await prisma.job.findFirst({
    where: { id: jobId, tenantId },
    select: { taskCount: true, startedAt: true, finishedAt: true, createdAt: true, itemsSucceeded: true, itemsDead: true },
  });
  if (!job) throw notFound("job");
  const step = Math.max(1, Math.ceil(job.taskCount / MAX_SAMPLE));
  const rows = await prisma.$queryRawUnsafe<Row[]>(
    `SELECT t.status::text AS status, t."itemCount" AS "itemCount",
            (extract(epoch FROM t."startedAt" - t."createdAt") * 1000)::float8 AS "waitMs",
            (extract(epoch FROM t."finishedAt" - t."startedAt") * 1000)::float8 AS "runMs",
            t."startedAt" AS "startedAt", t."finishedAt" AS "finishedAt"
     FROM generate_series(0, $2::int - 1, $3::int) AS g(seq)
     JOIN tasks t ON t."jobId" = $1::uuid AND t.seq = g.seq AND t."tenantId" = $4::uuid`,
    jobId,
    job.taskCount,
    step,
    tenantId,
  );
  const from = job.startedAt ?? job.createdAt;
  const to = job.finishedAt ?? now;
  const { bucketSeconds, series } = throughputSeries(rows, step, from, to);
  const runs = rows.filter((r) => r.status === "done" && r.runMs !== null).map((r) => Math.max(0, r.runMs!));
  const waits = rows.filter((r) => r.waitMs !== null).map((r) => Math.max(0, r.waitMs!));
  // Recent rate: items finished in the last 30 s while running (the ETA's basis), the
  // whole run's average once finished.
  let recent = 0;
  if (job.finishedAt) {
    const secs = Math.max(0.001, (job.finishedAt.getTime() - from.getTime()) / 1000);
    recent = (job.itemsSucceeded + job.itemsDead) / secs;
  } else if (job.startedAt) {
    const windowStart = Math.max(now.getTime() - RECENT_WINDOW_MS, job.startedAt.getTime());
    const secs = Math.max(1, (now.getTime() - windowStart) / 1000);
    const items = rows.reduce((a, r) => (r.status === "done" && r.finishedAt && r.finishedAt.getTime() >= windowStart ? a + r.itemCount * step : a), 0);
    recent = items / secs;
  }
  return {
    sample: { sampled: rows.length, taskCount: job.taskCount, step },
    bucketSeconds,
    throughput: series,
    recentItemsPerSec: recent,
    runMs: percentiles(runs),
    waitMs: percentiles(waits),
    runHistogram: histogram(runs, step),
    waitHistogram: histogram(waits, step),
  };
}

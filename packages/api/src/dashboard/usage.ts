// A tenant's usage against its quota, now and per minute over the last hour. Every query
// is bounded by an index: unfinished tasks and the time window come from tasks
// (tenantId, finishedAt), submits from jobs (tenantId, createdAt), active jobs from
// jobs (tenantId, status). Queued items are not stored historically: the series walks
// back from the current value with the minute's submitted and finished items.
import type { TenantQuota } from "@fanout/engine";
import type { Db } from "../types";

export const USAGE_MINUTES = 60;

/** The engine's quota fields, as the dashboard shows them, with their last change. */
export interface QuotaView extends TenantQuota {
  updatedAt: Date;
}

export interface UsagePoint {
  at: string;
  /** Average tasks admitted or running during the minute. */
  concurrency: number;
  /** Jobs submitted per second, averaged over the minute. */
  submitsPerSec: number;
  /** Items finished per second. */
  itemsPerSec: number;
  /** Unfinished items at the end of the minute (reconstructed, approximate). */
  queuedItems: number;
}

export interface Usage {
  quota: QuotaView;
  now: { concurrency: number; queuedItems: number; submitsPerSec: number; activeJobs: number };
  series: UsagePoint[];
}

export async function loadQuotaView(prisma: Db, tenantId: string): Promise<QuotaView> {
  // The row exists for every tenant made by the CLI or console; create it with the schema's defaults otherwise.
  const q = await prisma.quota.upsert({ where: { tenantId }, create: { tenantId }, update: {} });
  const { tenantId: _t, ...rest } = q;
  return { ...rest, maxQueuedItems: Number(q.maxQueuedItems) };
}

const minute = (d: Date) => Math.floor(d.getTime() / 60_000) * 60_000;

export async function tenantUsage(prisma: Db, tenantId: string, now = new Date()): Promise<Usage> {
  const end = minute(now) + 60_000;
  const start = new Date(end - USAGE_MINUTES * 60_000);
  const [quota, [current], submits, finished, concurrency] = await Promise.all([
    loadQuotaView(prisma, tenantId),
    prisma.$queryRawUnsafe<{ concurrency: number; queued: number; active: number; submits: number }[]>(
      `SELECT (SELECT count(*)::int FROM tasks WHERE "tenantId" = $1::uuid AND "finishedAt" IS NULL AND status IN ('queued', 'running')) AS concurrency,
              (SELECT coalesce(sum("totalItems" - "itemsSucceeded" - "itemsDead"), 0)::float8 FROM jobs WHERE "tenantId" = $1::uuid AND status IN ('queued', 'running')) AS queued,
              (SELECT count(*)::int FROM jobs WHERE "tenantId" = $1::uuid AND status IN ('queued', 'running')) AS active,
              (SELECT count(*)::int FROM jobs WHERE "tenantId" = $1::uuid AND "createdAt" > $2::timestamptz - interval '60 seconds') AS submits`,
      tenantId,
      now,
    ),
    prisma.$queryRawUnsafe<{ m: Date; jobs: number; items: number }[]>(
      `SELECT date_trunc('minute', "createdAt") AS m, count(*)::int AS jobs, sum("totalItems")::float8 AS items
       FROM jobs WHERE "tenantId" = $1::uuid AND "createdAt" >= $2 GROUP BY 1`,
      tenantId,
      start,
    ),
    prisma.$queryRawUnsafe<{ m: Date; done: number; left: number }[]>(
      `SELECT date_trunc('minute', "finishedAt") AS m,
              coalesce(sum("itemCount") FILTER (WHERE status = 'done'), 0)::float8 AS done,
              sum("itemCount")::float8 AS left
       FROM tasks WHERE "tenantId" = $1::uuid AND "finishedAt" >= $2 GROUP BY 1`,
      tenantId,
      start,
    ),
    // Each task adds its overlap with every minute it ran in (usually one or two minutes).
    prisma.$queryRawUnsafe<{ m: Date; busy: number }[]>(
      `SELECT b AS m,
              sum(extract(epoch FROM least(coalesce(t."finishedAt", $3::timestamptz), b + interval '1 minute') - greatest(t."startedAt", b)))::float8 AS busy
       FROM tasks t
       CROSS JOIN LATERAL generate_series(date_trunc('minute', greatest(t."startedAt", $2::timestamptz)), coalesce(t."finishedAt", $3::timestamptz), interval '1 minute') AS b
       WHERE t."tenantId" = $1::uuid AND t."startedAt" IS NOT NULL
         AND (t."finishedAt" >= $2::timestamptz OR (t."finishedAt" IS NULL AND t.status = 'running'))
       GROUP BY 1`,
      tenantId,
      start,
      now,
    ),
  ]);
  const byMinute = <T extends { m: Date }>(rows: T[]) => new Map(rows.map((r) => [minute(r.m), r]));
  const sub = byMinute(submits);
  const fin = byMinute(finished);
  const busy = byMinute(concurrency);
  const series: UsagePoint[] = [];
  let queued = current?.queued ?? 0;
  for (let i = USAGE_MINUTES - 1; i >= 0; i--) {
    const at = start.getTime() + i * 60_000;
    const s = sub.get(at);
    const f = fin.get(at);
    const elapsed = Math.max(1, Math.min(60, (now.getTime() - at) / 1000));
    series.push({
      at: new Date(at).toISOString(),
      concurrency: (busy.get(at)?.busy ?? 0) / elapsed,
      submitsPerSec: (s?.jobs ?? 0) / elapsed,
      itemsPerSec: (f?.done ?? 0) / elapsed,
      queuedItems: Math.max(0, Math.round(queued)),
    });
    // The queue at the start of this minute = at its end − submitted + left.
    queued = queued - (s?.items ?? 0) + (f?.left ?? 0);
  }
  series.reverse();
  return {
    quota,
    now: {
      concurrency: current?.concurrency ?? 0,
      queuedItems: current?.queued ?? 0,
      submitsPerSec: (current?.submits ?? 0) / 60,
      activeJobs: current?.active ?? 0,
    },
    series,
  };
}

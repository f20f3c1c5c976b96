// Cluster-wide views for platform admins: live workers and pools, backlog per pool and
// tenant, throughput and wait/run latency percentiles per minute. The backlog walks live
// jobs and their unfinished tasks (tasks_open_idx); the per-minute series walk tenants and
// their recently finished tasks (tasks_finished_idx); latency reads at most
// LATENCY_SAMPLE recent tasks per tenant.
import type { Db } from "../types";

export const CLUSTER_MINUTES = 30;
const LATENCY_SAMPLE = 5_000;

export interface WorkerRow {
  id: string;
  pool: string;
  host: string;
  pid: number;
  concurrency: number;
  running: number;
  handlers: string[];
  tenantId: string | null;
  startedAt: Date;
  lastSeenAt: Date;
  live: boolean;
  heartbeatAgeSec: number;
}

export async function listWorkers(prisma: Db, liveWithinMs = 60_000, now = new Date()) {
  const rows = await prisma.workerHeartbeat.findMany({ orderBy: [{ pool: "asc" }, { id: "asc" }], take: 500 });
  const workers: WorkerRow[] = rows.map((w) => ({
    ...w,
    heartbeatAgeSec: Math.max(0, (now.getTime() - w.lastSeenAt.getTime()) / 1000),
    live: now.getTime() - w.lastSeenAt.getTime() <= liveWithinMs,
  }));
  const pools = new Map<string, { pool: string; live: number; stale: number; slots: number; running: number }>();
  for (const w of workers) {
    const p = pools.get(w.pool) ?? { pool: w.pool, live: 0, stale: 0, slots: 0, running: 0 };
    if (w.live) {
      p.live++;
      p.slots += w.concurrency;
      p.running += w.running;
    } else p.stale++;
    pools.set(w.pool, p);
  }
  return { workers, pools: [...pools.values()] };
}

export interface BacklogRow {
  pool: string;
  tenant: string;
  waiting: number;
  running: number;
  waitingItems: number;
  oldestWaitSec: number | null;
}

export interface MinutePoint {
  at: string;
  itemsPerSec: number;
  tasks: number;
  waitP50: number | null;
  waitP95: number | null;
  waitP99: number | null;
  runP50: number | null;
  runP95: number | null;
  runP99: number | null;
}

export async function clusterStats(prisma: Db, now = new Date()) {
  const end = Math.floor(now.getTime() / 60_000) * 60_000 + 60_000;
  const start = new Date(end - CLUSTER_MINUTES * 60_000);
  const [backlog, throughput, latency] = await Promise.all([
    prisma.$queryRawUnsafe<BacklogRow[]>(
      `SELECT t.pool, tn.slug AS tenant,
              count(*) FILTER (WHERE t.status IN ('pending', 'queued', 'backoff'))::int AS waiting,
              count(*) FILTER (WHERE t.status = 'running')::int AS running,
              coalesce(sum(CASE WHEN cardinality(t."pendingIdx") = 0 THEN t."itemCount" ELSE cardinality(t."pendingIdx") END)
                FILTER (WHERE t.status IN ('pending', 'queued', 'backoff')), 0)::float8 AS "waitingItems",
              extract(epoch FROM $1::timestamptz - min(t."createdAt") FILTER (WHERE t.status IN ('pending', 'queued', 'backoff')))::float8 AS "oldestWaitSec"
       FROM jobs j JOIN tenants tn ON tn.id = j."tenantId"
       CROSS JOIN LATERAL (SELECT pool, status, "pendingIdx", "itemCount", "createdAt" FROM tasks
                           WHERE "jobId" = j.id AND status IN ('pending', 'queued', 'running', 'backoff')) t
       WHERE j.status IN ('queued', 'running')
       GROUP BY t.pool, tn.slug ORDER BY waiting DESC, running DESC LIMIT 200`,
      now,
    ),
    prisma.$queryRawUnsafe<{ m: Date; items: number; tasks: number }[]>(
      `SELECT date_trunc('minute', t."finishedAt") AS m, sum(t."itemCount")::float8 AS items, count(*)::int AS tasks
       FROM tenants tn
       CROSS JOIN LATERAL (SELECT "finishedAt", "itemCount" FROM tasks
                           WHERE "tenantId" = tn.id AND "finishedAt" >= $1 AND status = 'done') t
       GROUP BY 1`,
      start,
    ),
    prisma.$queryRawUnsafe<{ m: Date; w: number[] | null; r: number[] | null }[]>(
      `SELECT date_trunc('minute', t."finishedAt") AS m,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM t."startedAt" - t."createdAt") * 1000) AS w,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM t."finishedAt" - t."startedAt") * 1000) AS r
       FROM tenants tn
       CROSS JOIN LATERAL (SELECT "finishedAt", "startedAt", "createdAt" FROM tasks
                           WHERE "tenantId" = tn.id AND "finishedAt" >= $1 AND status = 'done' AND "startedAt" IS NOT NULL
                           ORDER BY "finishedAt" DESC LIMIT ${LATENCY_SAMPLE}) t
       GROUP BY 1`,
      start,
    ),
  ]);
  const tp = new Map(throughput.map((r) => [r.m.getTime(), r]));
  const lat = new Map(latency.map((r) => [r.m.getTime(), r]));
  const series: MinutePoint[] = [];
  for (let at = start.getTime(); at < end; at += 60_000) {
    const t = tp.get(at);
    const l = lat.get(at);
    const secs = Math.max(1, Math.min(60, (now.getTime() - at) / 1000));
    const pct = (a: number[] | null | undefined, i: number) => (a && a[i] != null ? Math.max(0, Number(a[i])) : null);
    series.push({
      at: new Date(at).toISOString(),
      itemsPerSec: (t?.items ?? 0) / secs,
      tasks: t?.tasks ?? 0,
      waitP50: pct(l?.w, 0),
      waitP95: pct(l?.w, 1),
      waitP99: pct(l?.w, 2),
      runP50: pct(l?.r, 0),
      runP95: pct(l?.r, 1),
      runP99: pct(l?.r, 2),
    });
  }
  return { backlog, series, minutes: CLUSTER_MINUTES };
}

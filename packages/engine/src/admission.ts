import type { Queue } from "bullmq";
import type { EngineContext } from "./context";
import { allocateSlots, type TenantDemand } from "./fair-share";
import { bullJobId } from "./keys";
import { ORDERING_CLEAR } from "./ordering";
import { isRemotePool } from "./remote";
import { DEFAULT_QUOTA } from "./quota";

export interface AdmittedTask {
  jobId: string;
  seq: number;
  admits: number;
}

/** BullMQ entries carry only the task's reference; the worker reads the rest when it claims. */
export async function enqueue(queue: Queue, tasks: AdmittedTask[]): Promise<void> {
  if (tasks.length === 0) return;
  await queue.addBulk(
    tasks.map((t) => ({
      name: "task",
      data: { j: t.jobId, s: t.seq, a: t.admits },
      opts: { jobId: bullJobId(t.jobId, t.seq, t.admits), removeOnComplete: true, removeOnFail: true },
    })),
  );
}

const READY = `(t.status = 'pending' OR (t.status = 'backoff' AND t."runAfter" <= now())) AND ${ORDERING_CLEAR}`;

async function tenantDemand(ctx: EngineContext, pool: string): Promise<TenantDemand[]> {
  const rows = await ctx.prisma.$queryRawUnsafe<{ tenantId: string; inflight: number; ready: number; weight: number | null; maxConcurrent: number | null }[]>(
    `SELECT s."tenantId", s.inflight::int, s.ready::int, q.weight, q."maxConcurrent"
     FROM (SELECT t."tenantId",
                  count(*) FILTER (WHERE t.status IN ('queued', 'running')) AS inflight,
                  count(*) FILTER (WHERE ${READY} AND NOT j.paused AND j.status IN ('queued', 'running')) AS ready
           FROM tasks t JOIN jobs j ON j.id = t."jobId"
           WHERE t.pool = $1 AND t.status IN ('pending', 'queued', 'running', 'backoff')
           GROUP BY t."tenantId") s
     LEFT JOIN quotas q ON q."tenantId" = s."tenantId"
     JOIN tenants tn ON tn.id = s."tenantId" AND tn.status = 'active' AND NOT tn.paused`,
    pool,
  );
  return rows.map((r) => ({
    tenantId: r.tenantId,
    inflight: r.inflight,
    ready: r.ready,
    weight: r.weight ?? DEFAULT_QUOTA.weight,
    maxConcurrent: r.maxConcurrent ?? DEFAULT_QUOTA.maxConcurrent,
  }));
}

/**
 * One admission round for a pool: work out each tenant's grant, then move that many of
 * its ready tasks (priority, then FIFO) to queued and hand them to BullMQ. The Postgres
 * update commits first; if the enqueue is lost, the reconciler re-adds the same ids.
 */
export async function admitPool(ctx: EngineContext, queue: Queue, pool: string, capacity: number): Promise<number> {
  const demand = await tenantDemand(ctx, pool);
  const inflight = demand.reduce((n, t) => n + t.inflight, 0);
  const grants = allocateSlots(demand, capacity - inflight);
  if (grants.size === 0) return 0;
  const admitted = await ctx.prisma.$queryRawUnsafe<AdmittedTask[]>(
    `WITH alloc AS (SELECT * FROM unnest($2::uuid[], $3::int[]) AS a(tenant, n)),
     picked AS (
       SELECT p."jobId", p.seq FROM alloc, LATERAL (
         SELECT t."jobId", t.seq FROM tasks t JOIN jobs j ON j.id = t."jobId"
         WHERE t.pool = $1 AND t."tenantId" = alloc.tenant AND ${READY}
           AND j.status IN ('queued', 'running') AND NOT j.paused
         ORDER BY t.priority DESC, t."createdAt", t."jobId", t.seq
         LIMIT alloc.n FOR UPDATE OF t SKIP LOCKED) p
     )
     UPDATE tasks SET status = 'queued', admits = tasks.admits + 1, "runAfter" = NULL,
       "leaseUntil" = now() + make_interval(secs => $4::double precision / 1000)
     FROM picked WHERE tasks."jobId" = picked."jobId" AND tasks.seq = picked.seq
     RETURNING tasks."jobId", tasks.seq, tasks.admits`,
    pool,
    [...grants.keys()],
    [...grants.values()],
    ctx.leaseMs * 2,
  );
  // Remote pools are leased over HTTP straight from Postgres; wake their long-polls.
  if (isRemotePool(pool)) {
    if (admitted.length > 0) await ctx.redis.publish(ctx.channels.pool(pool), String(admitted.length));
  } else {
    await enqueue(queue, admitted);
  }
  ctx.metrics.admissions.inc({ pool }, admitted.length);
  return admitted.length;
}

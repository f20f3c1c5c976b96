import type { Queue } from "bullmq";
import { enqueue, type AdmittedTask } from "./admission";
import { isBundleJobId, refsOf, type DeliveryData } from "./bundle";
import type { EngineContext } from "./context";
import { bullJobId, footholdQueueName, queueName } from "./keys";
import type { PoolQueues } from "./lanes";
import { isRemotePool } from "./remote";

type PoolTask = AdmittedTask & { pool: string };

function byPool(tasks: PoolTask[]): Map<string, PoolTask[]> {
  const m = new Map<string, PoolTask[]>();
  for (const t of tasks) {
    const list = m.get(t.pool);
    if (list) list.push(t);
    else m.set(t.pool, [t]);
  }
  return m;
}

/**
 * A running task whose lease lapsed lost its worker (crash, partition, flushed Redis):
 * hand it out again under a new admission. Job counters do not move: running is
 * derived from running tasks.
 */
async function requeueLapsed(ctx: EngineContext): Promise<PoolTask[]> {
  return ctx.sql.query<PoolTask>(
    `WITH lapsed AS (
       SELECT "jobId", seq FROM tasks WHERE status = 'running' AND "leaseUntil" < now()
       ORDER BY "jobId", seq LIMIT 1000 FOR UPDATE SKIP LOCKED
     )
     UPDATE tasks SET status = 'queued', admits = tasks.admits + 1, "workerId" = NULL,
       "leaseUntil" = now() + make_interval(secs => $1::double precision / 1000)
     FROM lapsed WHERE tasks."jobId" = lapsed."jobId" AND tasks.seq = lapsed.seq
     RETURNING tasks."jobId", tasks.seq, tasks.admits, tasks.pool`, [ctx.leaseMs * 2]);
}

/**
 * Queued in Postgres but absent from Redis (lost enqueue, flushed Redis): add it again as a
 * single task under its own id (a no-op if that job exists; never a bundle, so it cannot
 * collide with one).
 */
async function reEnqueueMissing(ctx: EngineContext, queues: (pool: string) => PoolQueues): Promise<number> {
  const stale = await ctx.sql.query<PoolTask>(
    `UPDATE tasks SET "leaseUntil" = now() + make_interval(secs => $1::double precision / 1000)
     WHERE ("jobId", seq) IN (SELECT "jobId", seq FROM tasks WHERE status = 'queued' AND "leaseUntil" < now() AND pool NOT LIKE 'remote-%' LIMIT 5000)
     RETURNING "jobId", seq, admits, pool`, [ctx.leaseMs * 2]);
  if (stale.length === 0) return 0;
  const pipe = ctx.redis.pipeline();
  // A foothold may wait in its pool's foothold lane (lanes.ts) under the same id.
  for (const t of stale) pipe.exists(...[queueName(t.pool), footholdQueueName(t.pool)].map((q) => `${ctx.prefix}:${q}:${bullJobId(t.jobId, t.seq, t.admits)}`));
  const exists = (await pipe.exec()) ?? [];
  const absent = stale.filter((_, i) => exists[i]?.[1] === 0);
  let missing = 0;
  for (const [pool, tasks] of byPool(absent)) {
    const queue = queues(pool);
    const inBundles = await bundledTasks(ctx, queue.main);
    const lost = tasks.filter((t) => !inBundles.has(bullJobId(t.jobId, t.seq, t.admits)));
    await enqueue(queue, lost);
    missing += lost.length;
  }
  return missing;
}

/**
 * Tasks (by their single-task ids) inside the bundles a queue holds: a bundled task has no
 * BullMQ job of its own, yet is not lost while its bundle waits or runs. One atomic read of
 * the queue's job lists (bounded by the pool's in-flight cap), then the bundles' data; run
 * only when some stale task has no job of its own. A bundle finishing between the two reads
 * has claimed its tasks, so they are no longer queued; the rare race left (a bundle moved
 * by a stall check in between) costs one duplicate delivery, which claim fencing absorbs.
 */
async function bundledTasks(ctx: EngineContext, queue: Queue): Promise<Set<string>> {
  const ids = (await queue.getRanges(["wait", "prioritized", "active", "delayed"], 0, -1)).filter(isBundleJobId);
  if (ids.length === 0) return new Set();
  const pipe = ctx.redis.pipeline();
  for (const id of ids) pipe.hget(queue.toKey(id), "data");
  const out = new Set<string>();
  for (const [, data] of (await pipe.exec()) ?? []) {
    if (typeof data !== "string") continue;
    for (const r of refsOf(JSON.parse(data) as DeliveryData)) out.add(bullJobId(r.jobId, r.seq, r.admits));
  }
  return out;
}

/**
 * Pending tasks of cancelled jobs never run (admission skips them); mark them, in bounded
 * batches. Queued ones too: an admission round that read the job as live just before a
 * cancel committed queues tasks the cancel did not see, and a claim refuses them, so they
 * would count against the tenant's maxConcurrent forever.
 */
async function sweepCancelled(ctx: EngineContext): Promise<number> {
  return ctx.sql.exec(
    `UPDATE tasks SET status = 'cancelled', "finishedAt" = now()
     WHERE ("jobId", seq) IN (
       SELECT t."jobId", t.seq FROM jobs j JOIN tasks t ON t."jobId" = j.id AND t.status IN ('pending', 'queued')
       WHERE j.status = 'cancelled' AND j."finishedAt" > now() - interval '7 days'
       LIMIT 5000)`, []);
}

export interface ReconcileReport {
  lapsed: number;
  missing: number;
}

export async function reconcile(ctx: EngineContext, queues: (pool: string) => PoolQueues): Promise<ReconcileReport> {
  const lapsed = await requeueLapsed(ctx);
  for (const [pool, tasks] of byPool(lapsed)) {
    if (isRemotePool(pool)) await ctx.redis.publish(ctx.channels.pool(pool), "requeued");
    else await enqueue(queues(pool), tasks);
  }
  const missing = await reEnqueueMissing(ctx, queues);
  await sweepCancelled(ctx);
  ctx.metrics.leaseExpiries.inc(lapsed.length);
  ctx.metrics.reconcilerRepairs.inc({ kind: "lapsed_lease" }, lapsed.length);
  ctx.metrics.reconcilerRepairs.inc({ kind: "missing_in_redis" }, missing);
  if (lapsed.length || missing) ctx.logger.warn({ lapsed: lapsed.length, missing }, "reconciler repaired tasks");
  return { lapsed: lapsed.length, missing };
}

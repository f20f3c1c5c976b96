import type { EngineContext } from "./context";
import { allocateSlots, type TenantDemand } from "./fair-share";
import { bundleData, bundleJobId, isShort, JOB_OPTS, planDelivery, singleJob, type Deliverable, type DeliveryData } from "./bundle";
import { observedItemMicros } from "./handler-stats";
import { bullJobId } from "./keys";
import { ORDERING_CLEAR } from "./ordering";
import { addToLanes, type PoolQueues } from "./lanes";
import { isRemotePool } from "./remote";
import { DEFAULT_QUOTA } from "./quota";
import { prepared, type Sql } from "./sql";
import type { TaskSnapshot } from "./snapshot";

export interface AdmittedTask {
  jobId: string;
  seq: number;
  admits: number;
}

/**
 * BullMQ entries carry only the task's reference; the worker reads the rest when it
 * claims. One BullMQ job per task: the reconciler's re-adds and the submit-time foothold
 * use this (their ids are the tasks' own, so a re-add of a task still in Redis is a no-op).
 * Footholds (bullPriority 1) go to the foothold lane (lanes.ts), the rest to the main queue.
 */
export async function enqueue(queues: PoolQueues, tasks: (AdmittedTask & { bullPriority?: number; snapshot?: TaskSnapshot })[]): Promise<void> {
  if (tasks.length === 0) return;
  const lanes: Lanes = { main: [], footholds: [] };
  for (const t of tasks) routeSingle(lanes, t, t.bullPriority, t.snapshot);
  await addToLanes(queues, lanes.main, lanes.footholds);
}

type Lanes = { main: ReturnType<typeof singleJob>[]; footholds: ReturnType<typeof singleJob>[] };

/** A single task's job into its lane: a foothold (bullPriority 1) to the foothold lane, where all are alike and need no priority; the rest to the main queue. */
function routeSingle(lanes: Lanes, t: AdmittedTask, bullPriority: number | undefined, snapshot?: TaskSnapshot): void {
  if (bullPriority === 1) lanes.footholds.push(singleJob(t, undefined, snapshot));
  else lanes.main.push(singleJob(t, bullPriority, snapshot));
}

/**
 * An admission round's tasks, bundled where planDelivery says (bundle.ts): short tasks
 * granted to one tenant share a BullMQ job; footholds and long or never-observed tasks
 * get one each. One addBulk per lane for the whole round.
 */
export async function enqueuePlanned(queues: PoolQueues, tasks: (AdmittedTask & Deliverable)[]): Promise<{ jobs: number; bundles: number }> {
  const plan = planDelivery(tasks);
  if (plan.length === 0) return { jobs: 0, bundles: 0 };
  const lanes: Lanes = { main: [], footholds: [] };
  for (const group of plan) {
    const first = group[0]!;
    if (group.length === 1) routeSingle(lanes, first, first.bullPriority);
    else lanes.main.push({ name: "bundle", data: bundleData(group) as DeliveryData, opts: { ...JOB_OPTS, priority: first.bullPriority, jobId: bundleJobId(first) } });
  }
  await addToLanes(queues, lanes.main, lanes.footholds);
  return { jobs: plan.length, bundles: plan.filter((g) => g.length > 1).length };
}

/** Expected run time of each admitted task: items × its handler's observed mean (cached ~1 s). */
async function taskMicros(ctx: EngineContext, tasks: { handler: string; itemCount: number }[]): Promise<(number | undefined)[]> {
  const handlers = [...new Set(tasks.map((t) => t.handler))];
  const means = new Map(await Promise.all(handlers.map(async (h) => [h, await observedItemMicros(ctx, h)] as const)));
  return tasks.map((t) => {
    const us = means.get(t.handler);
    return us === undefined ? undefined : us * t.itemCount;
  });
}

const PROMOTE_SQL = prepared("promote_retries",
  `UPDATE tasks SET status = 'pending', "runAfter" = NULL WHERE status = 'backoff' AND "runAfter" <= now() AND pool = $1`);

/** Tasks whose retry backoff is over become pending again, so admission reads only pending tasks in index order. */
async function promoteDueRetries(ctx: EngineContext, pool: string): Promise<void> {
  await ctx.sql.exec(PROMOTE_SQL, [pool]);
}

const READY = `t.status = 'pending' AND ${ORDERING_CLEAR}`;

const DEMAND_SQL = prepared("tenant_demand", `SELECT tn.id AS "tenantId", q.weight, q."maxConcurrent",
          (SELECT count(*) FROM tasks t
            WHERE t."tenantId" = tn.id AND t.pool = $1 AND t.status IN ('queued', 'running'))::int AS inflight,
          (SELECT count(*) FROM (
             SELECT 1 FROM tasks t JOIN jobs j ON j.id = t."jobId"
             WHERE t."tenantId" = tn.id AND t.pool = $1 AND ${READY} AND j.status IN ('queued', 'running') AND NOT j.paused
             LIMIT $2) r)::int AS ready
   FROM tenants tn LEFT JOIN quotas q ON q."tenantId" = tn.id
   WHERE tn.status = 'active' AND NOT tn.paused
     AND EXISTS (SELECT 1 FROM jobs j WHERE j."tenantId" = tn.id AND j.status IN ('queued', 'running'))`);

/**
 * Per tenant with live jobs: its in-flight tasks and its ready tasks, counted only up to
 * `cap` (nobody can be granted more than the free capacity). Every count is a bounded
 * range scan of a partial index (tasks_inflight_idx, tasks_ready_idx, jobs_live_idx),
 * so a tenant flooding 100,000 tasks costs this query no more than a tenant with ten.
 * In flight counts tasks, not joined to their jobs: a cancelled job's admitted tasks are
 * cancelled with it or swept within a reconcile, and the join cost a scan of every live
 * job per round.
 */
async function tenantDemand(sql: Sql, pool: string, cap: number): Promise<TenantDemand[]> {
  const rows = await sql.query<{ tenantId: string; inflight: number; ready: number; weight: number | null; maxConcurrent: number | null }>(DEMAND_SQL, [pool, Math.max(1, cap)]);
  return rows.map((r) => ({
    tenantId: r.tenantId,
    inflight: r.inflight,
    ready: r.ready,
    weight: r.weight ?? DEFAULT_QUOTA.weight,
    maxConcurrent: r.maxConcurrent ?? DEFAULT_QUOTA.maxConcurrent,
  }));
}

const ADMIT_SQL = prepared("admit", `WITH alloc AS (SELECT * FROM unnest($2::uuid[], $3::int[]) AS a(tenant, n)),
     picked AS (
       SELECT p."jobId", p.seq, p.handler FROM alloc, LATERAL (
         SELECT t."jobId", t.seq, j.handler FROM tasks t JOIN jobs j ON j.id = t."jobId"
         WHERE t."tenantId" = alloc.tenant AND t.pool = $1 AND ${READY}
           AND j.status IN ('queued', 'running') AND NOT j.paused
         ORDER BY t.priority DESC, t."createdAt", t."jobId", t.seq
         LIMIT alloc.n FOR UPDATE OF t SKIP LOCKED) p
     )
     UPDATE tasks SET status = 'queued', admits = tasks.admits + 1, "runAfter" = NULL,
       "leaseUntil" = now() + make_interval(secs => $4::double precision / 1000)
     FROM picked WHERE tasks."jobId" = picked."jobId" AND tasks.seq = picked.seq
     RETURNING tasks."jobId", tasks.seq, tasks.admits, tasks."tenantId", tasks."itemCount", picked.handler`);

const LOCK_SQL = prepared("admission_lock", `SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext('fanout.admission'), hashtext($1))`);
/** The same lock as a statement for a Prisma transaction ($1: the pool). */
export const ADMISSION_LOCK_TEXT = LOCK_SQL.text;

/**
 * Admission decisions for a pool are serialised by this transaction-scoped lock: two
 * scheduler rounds (demand read + admit), say from two schedulers during a leader handover,
 * never decide from counts the other is about to change, so no tenant passes its
 * maxConcurrent. Submit-time footholds take their own lock instead (job-insert.ts). A cancel holds it
 * too (control.ts), so a round in progress finishes before the cancel cancels what is in
 * flight, and later rounds see the job cancelled.
 */
export async function lockAdmission(tx: Sql, pool: string): Promise<void> {
  await tx.query(LOCK_SQL, [pool]);
}

/**
 * One admission round for a pool: work out each tenant's grant, then move that many of
 * its ready tasks (priority, then FIFO) to queued and hand them to BullMQ. The Postgres
 * update commits first; if the enqueue is lost, the reconciler re-adds the same ids.
 * Job rows are not locked: share-locking them here, in tenant order inside the round's
 * transaction, deadlocked with commits that lock jobs in id order (Postgres broke each
 * cycle after deadlock_timeout, failing a whole commit batch). A round racing a cancel
 * may still queue a task of the cancelled job: claims refuse it (they require a live
 * job) and the reconciler's sweep cancels it, so it never runs.
 */
export interface AdmitOutcome {
  admitted: number;
  /** Of those, short enough to bundle (bundle.ts `isShort`). */
  short: number;
}

export async function admitPool(ctx: EngineContext, queues: PoolQueues, pool: string, capacity: number, opts: { promoteRetries?: boolean } = {}): Promise<AdmitOutcome> {
  // Due retries are promoted on the scheduler's tick, not on every wake-up: they already
  // wait out a backoff, and the hot path (a submit, a finished task) saves a statement.
  if (opts.promoteRetries) await promoteDueRetries(ctx, pool);
  const { demand, admitted } = await ctx.sql.transaction(async (tx) => {
    await lockAdmission(tx, pool);
    const demand = await tenantDemand(tx, pool, capacity);
    const inflight = demand.reduce((n, t) => n + t.inflight, 0);
    const grants = allocateSlots(demand, capacity - inflight);
    if (grants.size === 0) return { demand, admitted: [] };
    const admitted = await tx.query<AdmittedTask & { tenantId: string; itemCount: number; handler: string }>(ADMIT_SQL, [pool, [...grants.keys()], [...grants.values()], ctx.leaseMs * 2]);
    return { demand, admitted };
  });
  if (admitted.length === 0) return { admitted: 0, short: 0 };
  let short = 0;
  // Remote pools are leased over HTTP straight from Postgres; wake their long-polls.
  if (isRemotePool(pool)) {
    if (admitted.length > 0) await ctx.redis.publish(ctx.channels.pool(pool), String(admitted.length));
  } else {
    // Always prioritised: BullMQ serves its plain wait list before prioritised jobs, so
    // unprioritised tasks admitted while a tenant was alone would still queue ahead of a
    // newcomer's.
    // First come, first served, except a foothold: the first task of a tenant with nothing
    // in flight goes ahead of everything waiting, on its own lane (lanes.ts). Serving everyone else in admission order
    // gives every tenant the same wait, so throughput follows the in-flight shares the
    // water-filling set (3:2:1 → .498/.334/.168 in the bench); ordering by share position
    // or by virtual time let one tenant's tasks consistently jump the queue.
    // Short tasks granted to one tenant share a BullMQ job (bundle.ts); footholds never do.
    const idle = new Set(demand.filter((d) => d.inflight === 0).map((d) => d.tenantId));
    const micros = await taskMicros(ctx, admitted);
    short = micros.filter(isShort).length;
    const { jobs, bundles } = await enqueuePlanned(queues, admitted.map((t, i) => ({
      jobId: t.jobId, seq: t.seq, admits: t.admits, tenantId: t.tenantId,
      bullPriority: idle.delete(t.tenantId) ? 1 : 2,
      taskMicros: micros[i],
    })));
    ctx.metrics.bullJobsAdded.inc({ pool, kind: "single" }, jobs - bundles);
    if (bundles > 0) ctx.metrics.bullJobsAdded.inc({ pool, kind: "bundle" }, bundles);
  }
  ctx.metrics.admissions.inc({ pool }, admitted.length);
  return { admitted: admitted.length, short };
}

import type { Job } from "@fanout/db";
import type { EngineContext } from "./context";
import { observedItemMicros } from "./handler-stats";
import { DEFAULT_QUOTA, loadQuota } from "./quota";
import { ORDERING_CLEAR } from "./ordering";
import { isRemotePool } from "./remote";
import type { JobProgress, WaitInfo } from "./types";

const at = (ms: number) => new Date(Date.now() + Math.max(0, ms)).toISOString();

/**
 * "Why isn't it running?": while a job has work and none of it runs, name what holds
 * it, checked from the most specific cause to the most general, with a start estimate.
 */
export async function explainWait(ctx: EngineContext, job: Job, p: JobProgress): Promise<WaitInfo | null> {
  if (job.status !== "queued" && job.status !== "running") return null;
  if (p.running > 0 || p.queued + p.failed === 0) return null;
  if (job.paused) return { reason: "paused", message: "The job is paused; resume it to continue." };
  const tenant = await ctx.prisma.tenant.findUnique({ where: { id: job.tenantId }, select: { paused: true, status: true } });
  if (tenant?.status === "suspended") return { reason: "tenant_suspended", message: "Your tenant is suspended; contact an administrator." };
  if (tenant?.paused) return { reason: "tenant_paused", message: "An administrator paused all of your tenant's work." };

  const [[pool], [tasks], [tenantLoad]] = await Promise.all([
    ctx.prisma.$queryRawUnsafe<{ slots: number; inflight: number }[]>(
      `SELECT (SELECT coalesce(sum(concurrency), 0)::int FROM worker_heartbeats
               WHERE pool = $1 AND "lastSeenAt" > now() - make_interval(secs => $2::double precision / 1000)) AS slots,
              (SELECT count(*)::int FROM tasks WHERE pool = $1 AND status IN ('queued', 'running')) AS inflight`,
      job.pool,
      ctx.leaseMs * 2,
    ),
    ctx.prisma.$queryRawUnsafe<{ pending: number; queued: number; backoff: number; until: Date | null; blocked: number }[]>(
      `SELECT count(*) FILTER (WHERE t.status = 'pending')::int AS pending,
              count(*) FILTER (WHERE t.status = 'queued')::int AS queued,
              count(*) FILTER (WHERE t.status = 'backoff')::int AS backoff,
              min(t."runAfter") FILTER (WHERE t.status = 'backoff') AS until,
              count(*) FILTER (WHERE t.status = 'pending' AND NOT ${ORDERING_CLEAR})::int AS blocked
       FROM tasks t WHERE t."jobId" = $1::uuid AND t.status IN ('pending', 'queued', 'backoff')`,
      job.id,
    ),
    ctx.prisma.$queryRawUnsafe<{ inflight: number }[]>(
      `SELECT count(*)::int AS inflight FROM tasks WHERE "tenantId" = $1::uuid AND status IN ('queued', 'running')`,
      job.tenantId,
    ),
  ]);
  const slots = pool?.slots ?? 0;
  if (isRemotePool(job.pool)) {
    const serving = await ctx.prisma.workerHeartbeat.count({
      where: { pool: job.pool, handlers: { has: job.handler }, lastSeenAt: { gt: new Date(Date.now() - ctx.leaseMs * 2) } },
    });
    if (serving === 0) return { reason: "no_worker_for_handler", message: `No remote worker of your tenant serving "${job.handler}" is connected; start one with the SDK or \`fanout worker\`.` };
  }
  if (slots === 0) {
    return { reason: "no_worker_for_pool", message: `No live worker serves pool "${job.pool}"; the job starts when one connects.` };
  }
  const perItemUs = (await observedItemMicros(ctx, job.handler)) ?? 1000;
  const taskMs = Math.max(1, (perItemUs * job.chunkSize) / 1000);
  const waitFor = (ahead: number) => at(Math.ceil(ahead / slots) * taskMs);
  if (tasks && tasks.queued > 0) {
    return { reason: "waiting_for_worker", message: "Admitted; waiting for a free worker slot.", estimatedStartAt: waitFor(pool!.inflight - tasks.queued) };
  }
  if (tasks && tasks.pending === 0 && tasks.backoff > 0 && tasks.until) {
    return { reason: "retry_backoff_until", message: "Failed items wait out their retry backoff.", until: tasks.until.toISOString(), estimatedStartAt: tasks.until.toISOString() };
  }
  if (tasks && tasks.pending > 0 && tasks.blocked === tasks.pending) {
    return { reason: "ordering_key_busy", message: "Every waiting task shares an ordering key with earlier unfinished work." };
  }
  const quota = await loadQuota(ctx.prisma, job.tenantId);
  if ((tenantLoad?.inflight ?? 0) >= (quota.maxConcurrent ?? DEFAULT_QUOTA.maxConcurrent)) {
    return { reason: "tenant_concurrency_limit", message: `Your tenant already runs its maximum of ${quota.maxConcurrent} concurrent tasks.`, estimatedStartAt: waitFor(1) };
  }
  if (pool!.inflight >= slots * 2) {
    return { reason: "pool_saturated", message: `Pool "${job.pool}" is at capacity; tasks are admitted by fair share as slots free.`, estimatedStartAt: waitFor(pool!.inflight - slots * 2 + 1) };
  }
  return { reason: "admitting", message: "The scheduler is admitting this job's tasks now.", estimatedStartAt: at(0) };
}

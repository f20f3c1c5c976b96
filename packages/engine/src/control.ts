import { FanoutError } from "@fanout/validators";
import { announceJob, wakeScheduler, type EngineContext } from "./context";
import { ADMISSION_LOCK_TEXT } from "./admission";
import { findJob } from "./queries";

/** Tasks that may be in Redis or in a worker's hands; pending ones are swept later. */
const IN_FLIGHT_TASK = `('queued', 'running', 'backoff')`;

/**
 * Cancel waits for any admission round of the job's pool to finish (the admission
 * lock), then locks the job row, then its tasks: the jobs-before-tasks order every
 * statement taking both follows, so it cannot deadlock with a commit. It costs O(in
 * flight), not O(job): the job's status alone stops admission, claims and commits; the
 * tasks that may be in Redis or in a worker's hands are cancelled here, and the
 * reconciler sweeps the never-admitted pending ones later. The broadcast aborts
 * handlers that are running right now.
 */
export async function cancelJob(ctx: EngineContext, tenantId: string, jobId: string): Promise<void> {
  const job = await findJob(ctx.prisma, tenantId, jobId);
  if (job.status !== "queued" && job.status !== "running") return;
  await ctx.prisma.$transaction([
    ctx.prisma.$queryRawUnsafe(ADMISSION_LOCK_TEXT, job.pool), // see lockAdmission
    ctx.prisma.$queryRawUnsafe(`SELECT id FROM jobs WHERE id = $1::uuid AND "tenantId" = $2::uuid FOR UPDATE`, jobId, tenantId),
    ctx.prisma.$executeRawUnsafe(
      `UPDATE tasks SET status = 'cancelled', "leaseUntil" = NULL, "finishedAt" = now()
       WHERE "jobId" = $1::uuid AND "tenantId" = $2::uuid AND status IN ${IN_FLIGHT_TASK}`,
      jobId,
      tenantId,
    ),
    ctx.prisma.$executeRawUnsafe(
      `WITH job AS (
         UPDATE jobs SET status = 'cancelled', "finishedAt" = now(), "itemsFailed" = 0
         WHERE id = $1::uuid AND "tenantId" = $2::uuid AND status IN ('queued', 'running')
         RETURNING id, "tenantId", "callbackUrl")
       INSERT INTO webhook_deliveries ("tenantId", "jobId", event, url)
       SELECT "tenantId", id, 'job.finished', "callbackUrl" FROM job WHERE "callbackUrl" IS NOT NULL
       ON CONFLICT ("jobId", event) DO UPDATE SET "deliveredAt" = NULL, attempts = 0, "nextAttemptAt" = now()`,
      jobId,
      tenantId,
    ),
  ]);
  await ctx.redis.publish(ctx.channels.cancel, jobId);
  announceJob(ctx, jobId, "cancelled");
}

export interface RedriveFilter {
  fingerprint?: string;
  indexes?: number[];
}

/**
 * Puts dead items of finished tasks back to work with a fresh attempt budget. Only
 * the dead items run again: they become the task's pending offsets.
 */
export async function redriveJob(ctx: EngineContext, tenantId: string, jobId: string, filter: RedriveFilter = {}): Promise<number> {
  const job = await findJob(ctx.prisma, tenantId, jobId);
  if (job.status === "cancelled") {
    throw new FanoutError(409, "job_cancelled", "This job was cancelled; its dead letters can no longer be redriven. Submit a new job instead.");
  }
  const rows = await ctx.prisma.$queryRawUnsafe<{ n: number }[]>(
    `WITH lockj AS (SELECT id FROM jobs WHERE id = $1::uuid FOR UPDATE),
     d AS (
       DELETE FROM dead_letters dl
       WHERE (SELECT count(*) FROM lockj) >= 0 AND dl."jobId" = $1::uuid AND dl."tenantId" = $2::uuid
         AND ($3::text IS NULL OR dl.fingerprint = $3)
         AND ($4::int[] IS NULL OR dl."itemIndex" = ANY($4::int[]))
         AND dl."discardedAt" IS NULL
         AND dl.seq IN (SELECT seq FROM tasks WHERE "jobId" = $1::uuid AND status = 'done')
       RETURNING dl.seq, dl."itemIndex"
     ), per AS (
       SELECT seq, array_agg("itemIndex" ORDER BY "itemIndex") AS idx, count(*)::int AS n FROM d GROUP BY seq
     ), t AS (
       UPDATE tasks SET status = 'pending', runs = 0, "finishedAt" = NULL, "runAfter" = NULL,
         "pendingIdx" = (SELECT array_agg(i - tasks."firstIndex" ORDER BY i) FROM unnest(per.idx) AS i)
       FROM per WHERE tasks."jobId" = $1::uuid AND tasks.seq = per.seq
       RETURNING per.n
     ), total AS (SELECT count(*)::int AS tasks, coalesce(sum(n), 0)::int AS items FROM t)
     UPDATE jobs SET "itemsDead" = "itemsDead" - total.items, "tasksDone" = "tasksDone" - total.tasks,
       status = CASE WHEN total.tasks > 0 THEN 'running'::"JobStatus" ELSE status END,
       "finishedAt" = CASE WHEN total.tasks > 0 THEN NULL ELSE "finishedAt" END,
       -- Reopened: the stored reduction is stale until the job finishes again (reduce.ts).
       result = CASE WHEN total.tasks > 0 THEN NULL ELSE result END
     FROM total WHERE jobs.id = $1::uuid
     RETURNING total.items AS n`,
    jobId,
    tenantId,
    filter.fingerprint ?? null,
    filter.indexes ?? null,
  );
  const n = rows[0]?.n ?? 0;
  if (n > 0) {
    wakeScheduler(ctx, job.pool);
    announceJob(ctx, jobId, "running");
  }
  return n;
}

/**
 * Pause stops admission; tasks already handed to BullMQ go back to pending (their
 * queue entries turn stale: a claim needs the current admission number). Running
 * tasks finish their current run, and so does a submit-time foothold that a worker
 * starts from its snapshot after the pause (snapshot.ts).
 */
export async function setJobPaused(ctx: EngineContext, tenantId: string, jobId: string, paused: boolean): Promise<void> {
  const job = await findJob(ctx.prisma, tenantId, jobId);
  await ctx.prisma.$transaction([
    ctx.prisma.job.update({ where: { id: job.id }, data: { paused } }),
    ...(paused ? [ctx.prisma.task.updateMany({ where: { jobId: job.id, tenantId, status: "queued" }, data: { status: "pending" } })] : []),
  ]);
  if (!paused) wakeScheduler(ctx, job.pool);
  announceJob(ctx, jobId, job.status);
}

/** Admin: pause or resume every job of a tenant at once. */
export async function setTenantPaused(ctx: EngineContext, tenantId: string, paused: boolean): Promise<void> {
  await ctx.prisma.$transaction([
    ctx.prisma.tenant.update({ where: { id: tenantId }, data: { paused } }),
    ...(paused ? [ctx.prisma.task.updateMany({ where: { tenantId, status: "queued" }, data: { status: "pending" } })] : []),
  ]);
  if (!paused) wakeScheduler(ctx, "default");
}

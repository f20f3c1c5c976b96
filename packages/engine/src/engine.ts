import type { Pool, PrismaClient } from "@fanout/db";
import { FanoutError, type CreateJobInput, type Reducer } from "@fanout/validators";
import type { Redis } from "ioredis";
import { registerClusterGauges } from "./cluster-gauges";
import { enqueue } from "./admission";
import { announceJob, wakeScheduler, type EngineContext } from "./context";
import { allItemMicros } from "./handler-stats";
import { createMetrics } from "./metrics";
import { QuotaCache } from "./quota";
import { QueuedItemsCache } from "./queued-items";
import { sqlFromPool, sqlFromPrisma } from "./sql";
import { cancelJob, redriveJob, setJobPaused, setTenantPaused, type RedriveFilter } from "./control";
import { deadLetterGroups, discardDeadLetters, type DeadLetterGroup } from "./dead-letters";
import { JobInserter } from "./job-group-insert";
import { channels } from "./keys";
import { poolQueueCache } from "./lanes";
import { activeCounts, activeFor, findJob, getResults, listDeadLetters, listJobs, listTasks } from "./queries";
import { createReductions } from "./reduce";
import { assertRedisPolicy } from "./redis-policy";
import { createScheduler, type SchedulerHandle, type SchedulerOptions } from "./scheduler";
import { createRemoteWorkers, registerRemoteHandler, type LeasedTask, type LeaseRequest, type ItemReport, type RemoteHandlerInput } from "./remote";
import { submitJob, type SubmitOptions } from "./submit";
import type { DeadLetterView, JobResult, JobView, ListJobsFilter, Logger, Page, ResultRow, TaskView } from "./types";
import { contextFrom, SpanKind, traceparentOf, withSpan } from "./tracing";
import { toJobView } from "./views";
import { explainWait } from "./waiting";
import { createTaskWorker, type WorkerHandle, type WorkerOptions } from "./worker";

export type { LeasedTask, LeaseRequest, ItemReport, RemoteHandlerInput };
export type { DeadLetterGroup, RedriveFilter, SchedulerHandle, SchedulerOptions, WorkerHandle, WorkerOptions };

export interface EngineDeps {
  /**
   * Optional with a `pool`: a worker-only process runs tasks on the pool alone and never
   * loads Prisma (~95 MB RSS); the API, scheduler and remote methods then throw.
   */
  prisma?: PrismaClient;
  redis: Redis;
  logger: Logger;
  /** A pg pool for the hot path (from @fanout/db createPool); Prisma raw queries otherwise. */
  pool?: Pool;
}

export interface EngineOptions {
  prefix?: string;
  leaseMs?: number;
}

interface PageArgs {
  limit: number;
  cursor?: string;
}

export interface Engine {
  /** Throws FanoutError 400/409/413/422/429 (with Retry-After and RateLimit headers). */
  submitJob(tenantId: string, input: CreateJobInput, opts?: SubmitOptions): Promise<{ job: JobView; created: boolean; headers: Record<string, string> }>;
  /** The job with `waiting` and `result` (its reduction: final once finished, else a live partial). */
  getJob(tenantId: string, jobId: string): Promise<JobView>;
  /** The job's reduction alone (DESIGN §7); 404 for another tenant's job. */
  getJobResult(tenantId: string, jobId: string): Promise<JobResult>;
  listJobs(tenantId: string, filter: ListJobsFilter): Promise<Page<JobView>>;
  getResults(tenantId: string, jobId: string, page: PageArgs): Promise<Page<ResultRow>>;
  listTasks(tenantId: string, jobId: string, page: PageArgs): Promise<Page<TaskView>>;
  listDeadLetters(tenantId: string, jobId: string, page: PageArgs): Promise<Page<DeadLetterView>>;
  cancelJob(tenantId: string, jobId: string): Promise<JobView>;
  redrive(tenantId: string, jobId: string, filter?: RedriveFilter): Promise<JobView>;
  deadLetterGroups(tenantId: string, jobId: string): Promise<DeadLetterGroup[]>;
  discardDeadLetters(tenantId: string, jobId: string, filter?: RedriveFilter): Promise<{ discarded: number }>;
  pauseJob(tenantId: string, jobId: string): Promise<JobView>;
  resumeJob(tenantId: string, jobId: string): Promise<JobView>;
  /** A tenant's quota changed: this process applies it at once (others within a second). */
  quotaChanged(tenantId: string): void;
  /** Admin only (callers authorize): pause or resume all of a tenant's work. */
  setTenantPaused(tenantId: string, paused: boolean): Promise<void>;
  health(): Promise<{ postgres: boolean; redis: boolean }>;
  createWorker(opts?: WorkerOptions): WorkerHandle;
  createScheduler(opts?: SchedulerOptions): SchedulerHandle;
  metrics: {
    /** Prometheus text exposition of this process's metrics. */
    text(): Promise<string>;
    contentType: string;
    /** Adds cluster-wide gauges (queue depth, backlog seconds, usage…) read from Postgres at scrape time. */
    enableClusterGauges(): void;
    registry: import("prom-client").Registry;
  };
  /** Tenant-run workers over HTTP: handler registry and the lease protocol. */
  remote: {
    registerHandler(tenantId: string, h: RemoteHandlerInput): Promise<RemoteHandlerView>;
    listHandlers(tenantId: string): Promise<RemoteHandlerView[]>;
    deleteHandler(tenantId: string, name: string): Promise<void>;
    lease(r: LeaseRequest): Promise<LeasedTask[]>;
    heartbeat(tenantId: string, workerId: string, handlers: string[], concurrency: number, leases: { jobId: string; seq: number; attempt: number }[], visibilityMs?: number): Promise<{ held: { jobId: string; seq: number; attempt: number; leaseUntil: string | null }[] }>;
    report(tenantId: string, workerId: string, lease: { jobId: string; seq: number; attempt: number }, items: ItemReport[]): Promise<{ jobStatus: string }>;
    release(tenantId: string, workerId: string, leases: { jobId: string; seq: number; attempt: number }[]): Promise<number>;
  };
  /** Redis channel carrying a job's status changes (for live dashboards). */
  jobChannel(jobId: string): string;
  close(): Promise<void>;
}

export interface RemoteHandlerView {
  name: string;
  timeoutMs: number;
  maxAttempts: number;
  concurrencyPerWorker: number;
  reducer: Reducer;
}

/** Stands in for Prisma in a worker-only engine, so a method that needs it fails clearly. */
function noPrisma(): PrismaClient {
  return new Proxy({} as PrismaClient, {
    get(_, key) {
      if (typeof key !== "string" || key === "then") return undefined; // awaits and inspection see a plain object
      throw new Error(`this engine was created without a Prisma client (worker-only); prisma.${key} needs createEngine({ prisma, ... })`);
    },
  });
}

export function createEngine(deps: EngineDeps, opts: EngineOptions = {}): Engine {
  if (!deps.prisma && !deps.pool) throw new Error("createEngine needs a Prisma client, or a pg pool for a worker-only engine");
  const prefix = opts.prefix ?? "fanout";
  const metrics = createMetrics();
  const prisma = deps.prisma ?? noPrisma();
  const sql = deps.pool ? sqlFromPool(deps.pool) : sqlFromPrisma(prisma);
  const ctx: EngineContext = {
    ...deps, prisma, prefix, leaseMs: opts.leaseMs ?? 30_000, channels: channels(prefix), metrics,
    quotas: new QuotaCache(prisma), queuedItems: new QueuedItemsCache(), sql, jobInserter: new JobInserter(sql, deps.logger),
  };
  let clusterGauges = false;
  const queues = poolQueueCache(deps.redis, prefix);
  const getQueue = (pool: string) => queues.get(pool);
  const remoteWorkers = createRemoteWorkers(ctx);
  const handles: { close(): Promise<void> }[] = [remoteWorkers];
  const view = async (tenantId: string, jobId: string) => {
    const job = await findJob(prisma, tenantId, jobId);
    return toJobView(job, await activeFor(ctx.sql, job.id));
  };
  const reductions = createReductions(ctx);
  const detailedView = async (tenantId: string, jobId: string) => {
    const job = await findJob(prisma, tenantId, jobId);
    const v = toJobView(job, await activeFor(ctx.sql, job.id));
    const [waiting, result] = await Promise.all([explainWait(ctx, job, v.progress), reductions.forJob(job)]);
    return { ...v, waiting, result };
  };

  return {
    async submitJob(tenantId, input, submitOpts) {
      const parent = contextFrom(submitOpts?.traceparent);
      const attrs = { "fanout.tenant_id": tenantId, "fanout.handler": input.handler };
      const { job, created, headers, pool, foothold, snapshot } = await withSpan("fanout.job.submit", SpanKind.PRODUCER, parent, attrs, async (span) => {
        const out = await submitJob(ctx, tenantId, input, { ...submitOpts, traceparent: traceparentOf(span) ?? undefined });
        span.setAttribute("fanout.job_id", out.job.id);
        return out;
      });
      if (!created) return { job: await view(tenantId, job.id), created, headers };
      // Committed as queued: if this enqueue is lost, the reconciler re-adds the same id.
      // On the foothold lane (lanes.ts): a tenant holding its foothold is below its share by definition.
      if (foothold) {
        ctx.metrics.admissions.inc({ pool });
        await enqueue(getQueue(pool), [{ jobId: job.id, seq: 0, admits: 1, bullPriority: 1, snapshot }])
          .catch((err) => ctx.logger.warn({ err, jobId: job.id }, "foothold enqueue failed; the reconciler will re-add it"));
      }
      // A one-task job whose task the submit admitted leaves a round nothing to do; that round
      // (four statements) would only compete with the task's own start for the cores.
      if (!(foothold && job.taskCount === 1)) wakeScheduler(ctx, pool); // no announce: nobody can be watching a job id minted just now
      // A new job has nothing running yet: its row is the whole view.
      return { job: toJobView(job), created, headers };
    },
    getJob: detailedView,
    getJobResult: async (tenantId, jobId) => reductions.forJob(await findJob(prisma, tenantId, jobId)),
    async listJobs(tenantId, filter) {
      const { rows, nextCursor } = await listJobs(prisma, tenantId, filter);
      const active = await activeCounts(ctx.sql, rows.filter((r) => r.status === "running").map((r) => r.id));
      return { data: rows.map((r) => toJobView(r, active.get(r.id))), nextCursor };
    },
    getResults: (t, j, p) => getResults(prisma, t, j, p.limit, p.cursor),
    listTasks: (t, j, p) => listTasks(prisma, t, j, p.limit, p.cursor),
    listDeadLetters: (t, j, p) => listDeadLetters(prisma, t, j, p.limit, p.cursor),
    async cancelJob(tenantId, jobId) {
      await cancelJob(ctx, tenantId, jobId);
      return view(tenantId, jobId);
    },
    async redrive(tenantId, jobId, filter) {
      await redriveJob(ctx, tenantId, jobId, filter);
      return view(tenantId, jobId);
    },
    deadLetterGroups: (t, j) => deadLetterGroups(prisma, t, j),
    discardDeadLetters: async (t, j, f) => ({ discarded: await discardDeadLetters(prisma, t, j, f) }),
    async pauseJob(tenantId, jobId) {
      await setJobPaused(ctx, tenantId, jobId, true);
      return view(tenantId, jobId);
    },
    async resumeJob(tenantId, jobId) {
      await setJobPaused(ctx, tenantId, jobId, false);
      return view(tenantId, jobId);
    },
    setTenantPaused: (tenantId, paused) => setTenantPaused(ctx, tenantId, paused),
    quotaChanged: (tenantId) => ctx.quotas.invalidate(tenantId),
    async health() {
      const [postgres, redis] = await Promise.all([
        ctx.sql.query("SELECT 1").then(() => true, () => false),
        deps.redis.ping().then((r) => r === "PONG", () => false),
      ]);
      return { postgres, redis };
    },
    createWorker(workerOpts) {
      const w = createTaskWorker(ctx, workerOpts);
      handles.push(w);
      return { ...w, start: async () => (await assertRedisPolicy(deps.redis, deps.logger), w.start()) };
    },
    createScheduler(schedOpts) {
      const s = createScheduler(ctx, getQueue, schedOpts);
      handles.push(s);
      return {
        id: s.id,
        get isLeader() {
          return s.isLeader;
        },
        start: async () => (await assertRedisPolicy(deps.redis, deps.logger), s.start()),
        close: () => s.close(),
      };
    },
    metrics: {
      text: () => metrics.registry.metrics(),
      contentType: metrics.registry.contentType,
      registry: metrics.registry,
      enableClusterGauges() {
        if (clusterGauges) return;
        clusterGauges = true;
        registerClusterGauges(ctx, metrics, () => allItemMicros(ctx));
      },
    },
    remote: {
      registerHandler: (t, h) => registerRemoteHandler(ctx, t, h),
      listHandlers: (t) => prisma.remoteHandler.findMany({ where: { tenantId: t }, orderBy: { name: "asc" } }),
      async deleteHandler(t, name) {
        const { count } = await prisma.remoteHandler.deleteMany({ where: { tenantId: t, name } });
        if (count === 0) throw new FanoutError(404, "not_found", `No handler named "${name}" is registered in this tenant.`);
      },
      lease: (r) => remoteWorkers.lease(r),
      heartbeat: (...a) => remoteWorkers.heartbeat(...a),
      report: (...a) => remoteWorkers.report(...a),
      release: (...a) => remoteWorkers.release(...a),
    },
    jobChannel: (jobId) => ctx.channels.job(jobId),
    async close() {
      await Promise.all(handles.map((h) => h.close().catch(() => {})));
      await queues.close();
    },
  };
}

import { FanoutError, type Reducer } from "@fanout/validators";
import { EventEmitter } from "node:events";
import { backoffDelay } from "./backoff";
import { commitTask, type TaskRunResult } from "./commit";
import { announceJob, wakeScheduler, type EngineContext } from "./context";
import { errorFingerprint } from "./fingerprint";
import { renewLeases, type ClaimedTask } from "./lease";
import { isKnownHandler as isBuiltin } from "./handlers";
import { itemAt, offsetsToRun } from "./run-task";

/** Remote tasks never enter Redis: they wait in Postgres and are leased over HTTP. */
export const remotePool = (tenantId: string) => `remote-${tenantId}`;
export const isRemotePool = (pool: string) => pool.startsWith("remote-");

export interface LeasedTask {
  jobId: string;
  seq: number;
  /** Fencing token: present it when reporting. */
  attempt: number;
  handler: string;
  timeoutMs: number;
  /** 1-based attempt of every item in this lease. */
  itemAttempt: number;
  maxAttempts: number;
  leaseUntil: string;
  items: { index: number; item: unknown }[];
}

export interface ItemReport {
  index: number;
  output?: unknown;
  error?: string;
}

const LEASE_SQL = `
WITH c AS (
  SELECT t."jobId", t.seq, j.handler, j."inputKind", j."rangeFrom", j."timeoutMs", j."maxAttempts",
         j."backoffBaseMs", j."backoffMaxMs", j.status AS "jobStatus"
  FROM tasks t JOIN jobs j ON j.id = t."jobId"
  WHERE t.pool = $1 AND t."tenantId" = $2::uuid AND t.status = 'queued' AND j.handler = ANY($3::text[])
    AND j.status IN ('queued', 'running') AND NOT j.paused
  ORDER BY t.priority DESC, t."createdAt", t."jobId", t.seq
  LIMIT $4 FOR UPDATE OF t SKIP LOCKED
)
UPDATE tasks SET status = 'running', attempt = tasks.attempt + 1, "workerId" = $5,
  "leaseUntil" = now() + make_interval(secs => $6::double precision / 1000), "startedAt" = COALESCE(tasks."startedAt", now())
FROM c WHERE tasks."jobId" = c."jobId" AND tasks.seq = c.seq
RETURNING tasks."jobId", tasks.seq, tasks.attempt, tasks.items, tasks."firstIndex", tasks."itemCount", tasks."pendingIdx",
  tasks.runs, tasks."tenantId", tasks."createdAt", tasks."leaseUntil", c."jobStatus", c.handler, c."inputKind", c."rangeFrom",
  c."timeoutMs", c."maxAttempts", c."backoffBaseMs", c."backoffMaxMs"`;

export interface LeaseRequest {
  tenantId: string;
  workerId: string;
  handlers: string[];
  max: number;
  visibilityMs: number;
  /** Long-poll: how long to wait for work when none is ready. */
  waitMs: number;
  signal?: AbortSignal;
}

type Row = Omit<ClaimedTask, "n" | "lazy"> & { leaseUntil: Date };

export function createRemoteWorkers(ctx: EngineContext) {
  // One subscriber per engine for every long-polling request, not one per request.
  const wakes = new EventEmitter().setMaxListeners(0);
  let sub: ReturnType<EngineContext["redis"]["duplicate"]> | undefined;
  const subscribed = async () => {
    if (sub) return;
    sub = ctx.redis.duplicate();
    sub.on("error", () => {});
    sub.on("pmessage", (_p, channel: string) => wakes.emit(channel));
    await sub.psubscribe(ctx.channels.pool("*"));
  };

  async function tryLease(r: LeaseRequest): Promise<LeasedTask[]> {
    const rows = await ctx.sql.query<Row>(LEASE_SQL, [remotePool(r.tenantId), r.tenantId, r.handlers, r.max, r.workerId, r.visibilityMs]);
    const started = rows.filter((x) => x.jobStatus === "queued").map((x) => x.jobId);
    if (started.length) {
      await ctx.sql.exec(`UPDATE jobs SET status = 'running', "startedAt" = COALESCE("startedAt", now())
         WHERE id IN (SELECT id FROM jobs WHERE id = ANY($1::uuid[]) AND status = 'queued' ORDER BY id FOR UPDATE)`, [[...new Set(started)]]);
    }
    return rows.map((t) => ({
      jobId: t.jobId,
      seq: t.seq,
      attempt: t.attempt,
      handler: t.handler,
      timeoutMs: t.timeoutMs,
      itemAttempt: t.runs + 1,
      maxAttempts: t.maxAttempts,
      leaseUntil: t.leaseUntil.toISOString(),
      items: offsetsToRun(t).map((off) => ({ index: t.firstIndex + off, item: itemAt(t, off) })),
    }));
  }

  return {
    /** Leases ready tasks; when none are ready, waits up to waitMs for the scheduler to admit some. */
    async lease(r: LeaseRequest): Promise<LeasedTask[]> {
      await heartbeat(r.tenantId, r.workerId, r.handlers, r.max, []);
      const deadline = Date.now() + r.waitMs;
      const channel = ctx.channels.pool(remotePool(r.tenantId));
      await subscribed();
      for (;;) {
        const got = await tryLease(r);
        if (got.length > 0 || Date.now() >= deadline || r.signal?.aborted) return got;
        wakeScheduler(ctx, remotePool(r.tenantId));
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            wakes.off(channel, done);
            r.signal?.removeEventListener("abort", done);
            resolve();
          };
          // Re-check at least every second: a wake-up can be missed between lease and wait.
          const timer = setTimeout(done, Math.min(1000, Math.max(0, deadline - Date.now())));
          wakes.on(channel, done);
          r.signal?.addEventListener("abort", done, { once: true });
        });
      }
    },

    async close() {
      sub?.disconnect();
    },

    heartbeat,

    /** Records one lease's item outcomes; a report from a superseded or expired lease is a 409. */
    async report(tenantId: string, workerId: string, ref: { jobId: string; seq: number; attempt: number }, items: ItemReport[]): Promise<{ jobStatus: string }> {
      const task = await ctx.prisma.task.findFirst({
        where: { jobId: ref.jobId, seq: ref.seq, tenantId, attempt: ref.attempt, status: "running" },
        include: { job: { select: { maxAttempts: true, backoffBaseMs: true, backoffMaxMs: true, handler: true, timeoutMs: true } } },
      });
      if (!task) throw new FanoutError(409, "lease_expired", "This lease is no longer yours (it expired, was superseded by a newer attempt, or the job was cancelled); drop the results.");
      const expected = new Set(offsetsToRun({ pendingIdx: task.pendingIdx, itemCount: task.itemCount }).map((o) => task.firstIndex + o));
      const seen = new Set<number>();
      const result: TaskRunResult = { indexes: [], outputs: [], retry: [], dead: [] };
      const attempt = task.runs + 1;
      for (const it of [...items].sort((a, b) => a.index - b.index)) {
        if (!expected.has(it.index) || seen.has(it.index)) throw new FanoutError(400, "invalid_item_index", `Item ${it.index} is not part of this lease (or is reported twice).`, "items");
        seen.add(it.index);
        if (it.error !== undefined) {
          const rec = { index: it.index, error: it.error.slice(0, 2000), fingerprint: errorFingerprint("RemoteError", it.error) };
          (attempt >= task.job.maxAttempts ? result.dead : result.retry).push(rec);
        } else {
          result.indexes.push(it.index);
          result.outputs.push(it.output ?? null);
        }
      }
      // Items the worker did not report failed this attempt (it lost or skipped them).
      for (const index of expected) {
        if (seen.has(index)) continue;
        const rec = { index, error: "RemoteError: the worker did not report this item", fingerprint: errorFingerprint("RemoteError", "unreported") };
        (attempt >= task.job.maxAttempts ? result.dead : result.retry).push(rec);
      }
      result.retry.sort((a, b) => a.index - b.index);
      result.dead.sort((a, b) => a.index - b.index);
      const claimed: ClaimedTask = {
        ...task.job,
        jobId: task.jobId,
        seq: task.seq,
        attempt: ref.attempt,
        lazy: false,
        items: null,
        firstIndex: task.firstIndex,
        itemCount: task.itemCount,
        pendingIdx: task.pendingIdx,
        runs: task.runs,
        n: expected.size,
        inputKind: "",
        rangeFrom: null,
        tenantId,
        createdAt: task.createdAt,
        jobStatus: "running",
      };
      const delay = backoffDelay(attempt, { baseMs: task.job.backoffBaseMs, maxMs: task.job.backoffMaxMs });
      const outcome = await commitTask(ctx.sql, claimed, workerId, result, delay);
      if (!outcome.committed) throw new FanoutError(409, "lease_expired", "This lease expired while you were reporting; the task runs again elsewhere.");
      announceJob(ctx, ref.jobId, outcome.jobStatus);
      wakeScheduler(ctx, task.pool);
      return { jobStatus: outcome.jobStatus };
    },

    /** Hands leased tasks back (graceful shutdown) so others can take them at once. */
    async release(tenantId: string, workerId: string, leases: { jobId: string; seq: number; attempt: number }[]): Promise<number> {
      if (leases.length === 0) return 0;
      const n = await ctx.sql.exec(
        `UPDATE tasks SET status = 'queued', "workerId" = NULL, "leaseUntil" = now() + make_interval(secs => $5::double precision / 1000)
         FROM unnest($1::uuid[], $2::int[], $3::int[]) AS l(j, s, a)
         WHERE tasks."jobId" = l.j AND tasks.seq = l.s AND tasks.attempt = l.a AND tasks."tenantId" = $4::uuid AND tasks.status = 'running'`, [leases.map((l) => l.jobId),
        leases.map((l) => l.seq),
        leases.map((l) => l.attempt),
        tenantId,
        ctx.leaseMs * 2]);
      await ctx.redis.publish(ctx.channels.pool(remotePool(tenantId)), "released");
      await ctx.prisma.workerHeartbeat.deleteMany({ where: { id: workerId, tenantId } });
      return n;
    },
  };

  /** Extends leases (visibility timeout) and records liveness; answers which leases are still held. */
  async function heartbeat(tenantId: string, workerId: string, handlers: string[], concurrency: number, leases: { jobId: string; seq: number; attempt: number }[], visibilityMs = ctx.leaseMs) {
    const data = { pool: remotePool(tenantId), tenantId, handlers, host: "remote", pid: 0, concurrency, running: leases.length, lastSeenAt: new Date() };
    const existing = await ctx.prisma.workerHeartbeat.findUnique({ where: { id: workerId }, select: { tenantId: true } });
    if (existing && existing.tenantId !== tenantId) throw new FanoutError(409, "worker_id_taken", "This worker id belongs to another tenant; choose another id.", "workerId");
    await ctx.prisma.workerHeartbeat.upsert({ where: { id: workerId }, create: { id: workerId, ...data }, update: data });
    await renewLeases(ctx.sql, leases, visibilityMs);
    const held = leases.length
      ? await ctx.prisma.task.findMany({
          where: { tenantId, status: "running", workerId, OR: leases.map((l) => ({ jobId: l.jobId, seq: l.seq, attempt: l.attempt })) },
          select: { jobId: true, seq: true, attempt: true, leaseUntil: true },
        })
      : [];
    return { held: held.map((h) => ({ jobId: h.jobId, seq: h.seq, attempt: h.attempt, leaseUntil: h.leaseUntil?.toISOString() ?? null })) };
  }
}

export type RemoteWorkers = ReturnType<typeof createRemoteWorkers>;

export interface RemoteHandlerInput {
  name: string;
  timeoutMs?: number;
  maxAttempts?: number;
  concurrencyPerWorker?: number;
  /** Reducer for its jobs that set no `reduce`; registering again without one resets it. */
  reducer?: Reducer;
}

export async function registerRemoteHandler(ctx: EngineContext, tenantId: string, h: RemoteHandlerInput) {
  if (isBuiltin(h.name)) throw new FanoutError(409, "handler_name_reserved", `"${h.name}" is a built-in handler; choose another name.`, "name");
  const data = { timeoutMs: h.timeoutMs ?? 30_000, maxAttempts: h.maxAttempts ?? 3, concurrencyPerWorker: h.concurrencyPerWorker ?? 8, reducer: h.reducer ?? "collect" };
  return ctx.prisma.remoteHandler.upsert({ where: { tenantId_name: { tenantId, name: h.name } }, create: { tenantId, name: h.name, ...data }, update: data });
}

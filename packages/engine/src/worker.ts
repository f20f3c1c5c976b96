import { getPriority, hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { Worker, type Job as BullJob } from "bullmq";
import { backoffDelay } from "./backoff";
import { refsOf, type DeliveryData } from "./bundle";
import { MicroBatcher } from "./batcher";
import { commitTasks, type CommitEntry, type CommitOutcome } from "./commit";
import { announceJob, wakeScheduler, type EngineContext } from "./context";
import { handlerFor } from "./handlers";
import { queueName } from "./keys";
import { taskWorkerOptions } from "./lanes";
import { startLaneHost, type LaneHost, type LaneTake, type RemoteRun } from "./lane-host";
import { HandlerTimings } from "./handler-stats";
import { claimTask, claimTasks, keyOf, markTasks, renewLeases, type ClaimedTask, type TaskRef } from "./lease";
import { LeaseMarker, type Markable } from "./lease-marker";
import { runTask } from "./run-task";
import { RecentIds } from "./recent-ids";
import { taskFromSnapshot, type TaskSnapshot } from "./snapshot";
import { Slots } from "./slots";
import { FetchPace } from "./fetch-pace";
import { wakeFetch } from "./fetch-wake";
import { lowerMainThreadPriority } from "./thread-priority";
import { contextFrom, SpanKind, withSpan } from "./tracing";
import type { Span } from "@opentelemetry/api";

export interface WorkerOptions {
  id?: string;
  pool?: string;
  /** Tasks run at once by this process. */
  concurrency?: number;
  /** Nice value for the main thread once the lane thread runs (thread-priority.ts); 0 or absent leaves it. */
  mainThreadNice?: number;
}

export interface WorkerHandle {
  id: string;
  start(): Promise<void>;
  /** Graceful: finishes running tasks, then stops. */
  close(): Promise<void>;
  /**
   * Simulates a crash for tests: heartbeats and BullMQ stop at once while running
   * handlers go on as zombies, whose late commits fencing must reject.
   */
  kill(): Promise<void>;
}

/** How long a heard cancel is remembered, and so how old a snapshot the worker trusts. */
const CANCEL_MEMORY_MS = 10_000;

/** Footholds one worker takes from its pool's foothold lane at once (lanes.ts). */
const FOOTHOLD_LANE = 4;

const spanAttributes = (t: ClaimedTask, workerId: string) => ({
  "fanout.job_id": t.jobId,
  "fanout.task_seq": t.seq,
  "fanout.attempt": t.attempt,
  "fanout.tenant_id": t.tenantId,
  "fanout.handler": t.handler,
  "fanout.items": t.n,
  "fanout.worker_id": workerId,
});

export function createTaskWorker(ctx: EngineContext, opts: WorkerOptions = {}): WorkerHandle {
  const id = opts.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const pool = opts.pool ?? "default";
  const concurrency = opts.concurrency ?? 8;
  const log = ctx.logger.child?.({ workerId: id, pool }) ?? ctx.logger;
  const held = new Map<string, Markable>();
  // Jobs cancelled lately: a foothold snapshot arriving after its job's cancel is dropped
  // at once rather than refused at its mark (snapshot.ts).
  const cancelled = new RecentIds(CANCEL_MEMORY_MS);
  let listeningSince = Number.POSITIVE_INFINITY; // until subscribed to cancels, trust no snapshot
  // The concurrency promise: never more than `concurrency` handlers at once, however many
  // tasks the BullMQ jobs this worker holds carry (a bundle is one job, many tasks).
  const slots = new Slots(concurrency);
  const timings = new HandlerTimings();
  // Tasks that BullMQ hands over in the same tick are claimed and committed together.
  const claims = new MicroBatcher<TaskRef, ClaimedTask | null>((refs) => claimTasks(ctx.sql, refs, id, ctx.leaseMs));
  const commits = new MicroBatcher<CommitEntry, CommitOutcome>(async (entries) => {
    const outcomes = await commitTasks(ctx.sql, id, entries);
    // One wake and one progress event per job per batch, not per task: under load a
    // batch holds dozens of tasks and every publish costs both us and Redis.
    const jobs = new Map<string, string>();
    outcomes.forEach((o, i) => o.committed && jobs.set(entries[i]!.task.jobId, o.jobStatus));
    for (const [jobId, status] of jobs) announceJob(ctx, jobId, status);
    wakeScheduler(ctx, pool);
    return outcomes;
  });
  const marker = new LeaseMarker((tasks, startedAt) => markTasks(ctx.sql, tasks, id, ctx.leaseMs, startedAt), () => held.values(), (err) => log.warn({ err }, "lease mark failed"));
  const subscriber = ctx.redis.duplicate();
  subscriber.on("error", (err) => log.debug({ err }, "subscriber connection error"));
  const connection = ctx.redis.duplicate({ maxRetriesPerRequest: null, lazyConnect: true });
  let worker: Worker | undefined;
  let lane: LaneHost | undefined; // the foothold lane's thread (lane-thread.ts)
  let beat: NodeJS.Timeout | undefined;
  let wakeMissing = false; // fetch-wake.ts found no loop to wake while the worker ran (warned once)
  let draining = false; // closing: no new work, and no capacity offered to admission
  const beats = new Set<Promise<void>>(); // heartbeats in flight
  // What this worker holds, which paces its main queue's fetches (fetch-pace.ts).
  const holding = new FetchPace(concurrency);

  /**
   * One BullMQ job: a single task or a bundle (bundle.ts). A bundle's tasks are claimed
   * together (the claim batcher makes that one statement) and each then runs, commits and
   * fails on its own; the BullMQ job completes when all of them have. A crash mid-bundle
   * leaves the job active: BullMQ's stall check re-delivers it whole, and claim fencing
   * refuses the tasks already committed and takes over the ones still running.
   */
  async function processJob(bull: BullJob<DeliveryData>): Promise<void> {
    const refs = refsOf(bull.data);
    holding.add("jobs", 1);
    holding.add("tasks", refs.length);
    pace();
    const one = (r: TaskRef, urgent: boolean, snap?: TaskSnapshot) => processTask(r, { urgent, snap }).finally(() => (holding.add("tasks", -1), pace()));
    try {
      // A foothold handed back (priority 1, always a single task) still goes first for a slot.
      if (refs.length === 1) return await one(refs[0]!, bull.priority === 1, snapshotOf(bull));
      const settled = await Promise.allSettled(refs.map((r) => one(r, false)));
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason; // logged as "task processing failed"; the lease lapses and the reconciler re-admits
    } finally {
      holding.add("jobs", -1);
      pace();
    }
  }

  /**
   * A foothold the lane thread kept (lane-thread.ts): it took a slot for it and counted it
   * as held, and may have started its handler already from the snapshot (`remote`). Held
   * like any task from here: marked, renewed, aborted by a cancel, committed.
   */
  async function processFoothold(take: LaneTake): Promise<void> {
    const slot = { held: true };
    pace();
    try {
      await processTask(take.ref, { urgent: true, snap: take.snap, slot, remote: take.remote, arrivedAt: take.arrivedAt, signal: take.signal });
    } finally {
      if (slot.held) slots.release(); // not run: stale, cancelled or a duplicate
      holding.add("footholds", -1);
      holding.add("tasks", -1);
      pace();
      // Held, it lowered the main queue's concurrency, which BullMQ rereads only as one of
      // its jobs ends (fetch-wake.ts).
      if (holding.jobs > 0 && worker && !wakeFetch(worker) && worker.isRunning() && !wakeMissing) {
        wakeMissing = true; // a BullMQ upgrade moved what fetch-wake.ts reaches into: fetches then wait for a job's end
        log.warn({}, "cannot wake BullMQ's fetch loop; check fetch-wake.ts against this BullMQ version");
      }
    }
  }

  /** Tells BullMQ the main queue's concurrency for what the worker now holds (fetch-pace.ts). */
  function pace(): void {
    if (worker) worker.concurrency = holding.mainConcurrency;
  }

  /**
   * A snapshot stands in for the claim's read (snapshot.ts) only on BullMQ's first delivery
   * (a re-delivery reads, so it can take over a marked holder) and only while a cancel of
   * its job would still be in `cancelled`: added after this worker subscribed to cancels and
   * less than CANCEL_MEMORY_MS ago (the producer's clock; skew errs either way by as much,
   * and fencing holds regardless). Otherwise the read decides.
   */
  function snapshotOf(bull: BullJob<DeliveryData>): TaskSnapshot | undefined {
    const trusted = bull.attemptsStarted <= 1 && bull.timestamp >= listeningSince && Date.now() - bull.timestamp < CANCEL_MEMORY_MS;
    return trusted && "t" in bull.data ? bull.data.t : undefined;
  }

  /**
   * `slot`: one already taken for this task (a lane foothold), released by the caller unless
   * this takes it over. `remote`: its handler, already started by the lane thread from `snap`.
   */
  async function processTask(ref: TaskRef, how: { urgent: boolean; snap?: TaskSnapshot; slot?: { held: boolean }; remote?: RemoteRun; arrivedAt?: number; signal?: AbortSignal }): Promise<void> {
    const { urgent, snap, slot, remote, arrivedAt = Date.now(), signal } = how;
    // Not to be run: a handler the lane thread started stops, and is over before its slot is freed.
    const drop = async () => {
      if (remote) {
        remote.abort("not to be run");
        await remote.result.catch(() => {});
      }
      wakeScheduler(ctx, pool);
    };
    if (snap && cancelled.has(ref.jobId)) return drop();
    // A foothold claims on its own statement: in the batcher it would wait behind the
    // batches a flooding tenant keeps in flight (58 ms of the quiet tenant's p99 in the bench).
    const task = snap ? taskFromSnapshot(ref, snap) : urgent ? await claimTask(ctx.sql, ref, id, ctx.leaseMs) : await claims.submit(ref);
    if (!task) return wakeScheduler(ctx, pool); // stale delivery: cancelled, superseded or already done
    if (task.runs === 0 && task.attempt === 1) ctx.metrics.taskWait.observe({ pool }, ((remote?.startedAt ?? Date.now()) - task.createdAt.getTime()) / 1000);
    const key = keyOf(task);
    // Delivered twice to this worker (a bundle and the single the reconciler re-added): the
    // copy already held runs it; a second entry would replace it in `held` and lose its lease.
    if (held.has(key)) return drop();
    const entry: Markable = { task, since: arrivedAt, ctl: new AbortController(), committing: false };
    if (remote) entry.ctl.signal.addEventListener("abort", () => remote.abort(String(entry.ctl.signal.reason?.message ?? "aborted")), { once: true });
    if (signal?.aborted) entry.ctl.abort(signal.reason);
    else signal?.addEventListener("abort", () => entry.ctl.abort(signal.reason), { once: true });
    // Held (so it gets marked, heartbeats renew its lease and a cancel aborts it) while it waits for a slot.
    held.set(key, entry);
    try {
      if (slot) slot.held = false; // ours now
      else await slots.acquire(urgent);
      // The slot is the handler's: it is freed as the handler returns, not after the commit,
      // so under load a waiting task (a foothold first) starts without waiting for a commit round.
      let freed = false;
      const free = () => freed || ((freed = true), slots.release());
      try {
        await withSpan("fanout.task.run", SpanKind.CONSUMER, contextFrom(task.traceparent), spanAttributes(task, id), (span) => runAndCommit(task, entry, span, free, remote));
      } finally {
        free();
      }
    } catch (err) {
      if (entry.ctl.signal.aborted) {
        log.info({ jobId: task.jobId, seq: task.seq, tenantId: task.tenantId }, "task aborted");
        wakeScheduler(ctx, pool); // its slot is free and nothing was committed
        return;
      }
      throw err;
    } finally {
      held.delete(key);
    }
  }

  async function runAndCommit(task: ClaimedTask, entry: Markable, span: Span, freeSlot: () => void, remote?: RemoteRun): Promise<void> {
    const m = ctx.metrics;
    entry.startedAt = remote?.startedAt ?? Date.now();
    const result = await (remote?.result ?? runTask(task, handlerFor(task.handler), { signal: entry.ctl.signal }));
    freeSlot();
    entry.committing = true;
    await entry.marking;
    if (entry.ctl.signal.aborted) throw entry.ctl.signal.reason;
    const elapsed = result.handlerMs;
    // Published within a second of changing, not only on heartbeats: admission bundles by it.
    if (timings.record(task.handler, task.n, elapsed)) timings.flush(ctx).catch((err) => log.debug({ err }, "handler timings flush failed"));
    m.taskRun.observe({ pool, handler: task.handler }, elapsed / 1000);
    const delay = backoffDelay(task.runs + 1, { baseMs: task.backoffBaseMs, maxMs: task.backoffMaxMs });
    const outcome = await commits.submit({ task, result, retryDelayMs: delay, startedAt: entry.startedAt });
    span.setAttributes({ "fanout.items.succeeded": result.indexes.length, "fanout.items.retry": result.retry.length, "fanout.items.dead": result.dead.length, "fanout.committed": outcome.committed });
    if (!outcome.committed) {
      m.commitsRejected.inc({ pool });
      log.warn({ jobId: task.jobId, seq: task.seq, attempt: task.attempt, tenantId: task.tenantId }, "commit rejected: lease superseded or job cancelled");
      return;
    }
    m.tasksCompleted.inc({ pool, handler: task.handler });
    m.itemsProcessed.inc({ handler: task.handler, outcome: "succeeded" }, result.indexes.length);
    if (result.retry.length) m.itemsProcessed.inc({ handler: task.handler, outcome: "retry" }, result.retry.length);
    if (result.dead.length) m.itemsProcessed.inc({ handler: task.handler, outcome: "dead" }, result.dead.length);
    m.retries.inc({ pool }, result.retry.length);
    m.deadLetters.inc({ pool }, result.dead.length);
  }

  /** One heartbeat, each on its own: a stuck one must not hold back the next lease renewal. */
  function beatNow(): void {
    const beat: Promise<void> = heartbeat()
      .catch((err) => log.error({ err }, "heartbeat failed"))
      .finally(() => beats.delete(beat));
    beats.add(beat);
  }

  async function heartbeat(): Promise<void> {
    const tasks = [...held.values()].filter((h) => !h.task.lazy).map((h) => h.task);
    // Running = holding a slot: a handler running (or a lane foothold about to); tasks waiting for a slot or committing are not counted.
    ctx.metrics.workerRunning.set({ worker: id, pool }, slots.inUse);
    await renewLeases(ctx.sql, tasks, ctx.leaseMs);
    // Plain SQL, not Prisma: a worker process runs without loading Prisma at all.
    await ctx.sql.exec(
      `INSERT INTO worker_heartbeats (id, pool, host, pid, concurrency, running, "lastSeenAt") VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (id) DO UPDATE SET pool = $2, host = $3, pid = $4, concurrency = $5, running = $6, "lastSeenAt" = now()`,
      [id, pool, hostname(), process.pid, draining ? 0 : concurrency, slots.inUse]);
    // Not awaited: a Redis that does not answer must not hold up lease renewal or close().
    timings.flush(ctx).catch((err) => log.debug({ err }, "handler timings flush failed"));
  }

  return {
    id,
    async start() {
      await subscriber.subscribe(ctx.channels.cancel);
      listeningSince = Date.now();
      // Cancels published while the connection is down are never heard: distrust older snapshots.
      subscriber.on("close", () => (listeningSince = Number.POSITIVE_INFINITY));
      subscriber.on("ready", () => (listeningSince = Date.now()));
      subscriber.on("message", (_channel, jobId: string) => {
        cancelled.add(jobId);
        for (const h of held.values()) if (h.task.jobId === jobId) h.ctl.abort(new Error("job cancelled"));
      });
      ctx.metrics.workerConcurrency.set({ worker: id, pool }, concurrency);
      await heartbeat();
      beat = setInterval(() => beatNow(), Math.max(200, ctx.leaseMs / 3));
      marker.start();
      // Starts at `concurrency` (one job per slot, as long tasks arrive one per job) and
      // then follows the tasks held (pace()); `slots` bounds the handlers running.
      worker = new Worker<DeliveryData>(queueName(pool), processJob, { ...taskWorkerOptions(ctx.prefix, ctx.leaseMs), connection, concurrency });
      worker.on("error", (err) => log.error({ err }, "worker error"));
      worker.on("failed", (job, err) => log.error({ err, bullJobId: job?.id }, "task processing failed"));
      lane = await startLaneHost({
        redis: ctx.redis,
        logger: log,
        prefix: ctx.prefix,
        pool,
        concurrency,
        laneConcurrency: Math.min(concurrency, FOOTHOLD_LANE),
        leaseMs: ctx.leaseMs,
        cancelChannel: ctx.channels.cancel,
        cancelMemoryMs: CANCEL_MEMORY_MS,
        nice: getPriority(0), // this thread's, before the main thread lowers its own (thread-priority.ts)
        slots: slots.buffer,
        pace: holding.buffer,
        onTake: processFoothold,
        onSlotsLeft: () => slots.serveWaiting(),
        onExit: () => slots.clearThreadWaits(),
      });
      if (opts.mainThreadNice) {
        const { ok, error } = await lowerMainThreadPriority(opts.mainThreadNice);
        if (error) log.warn({ err: error, nice: opts.mainThreadNice }, "could not lower the main thread's CPU priority");
        else if (ok) log.debug({ nice: opts.mainThreadNice }, "main thread's CPU priority lowered");
      }
      log.info({ concurrency }, "worker started");
    },
    async close() {
      // Heartbeats and marks go on until the running tasks have committed: stopped first, a
      // task running past its lease lapsed, was re-admitted and ran again elsewhere, and its
      // own commit was refused. Meanwhile the heartbeat offers no slots, so admission stops
      // counting this worker.
      draining = true;
      beatNow(); // admission stops counting this worker now, not a beat later
      await Promise.all([worker?.close(), lane?.close()]);
      clearInterval(beat);
      marker.stop();
      await Promise.all(beats); // a beat in flight must not write the row back after the delete below
      await connection.quit().catch(() => {});
      await subscriber.quit().catch(() => {});
      await ctx.sql.exec(`DELETE FROM worker_heartbeats WHERE id = $1`, [id]).catch(() => {});
      log.info({}, "worker stopped");
    },
    async kill() {
      clearInterval(beat);
      marker.stop();
      await Promise.all([worker?.close(true), lane?.kill()]);
      connection.disconnect();
      subscriber.disconnect();
    },
  };
}

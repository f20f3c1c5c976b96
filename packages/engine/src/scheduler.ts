import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { admitPool } from "./admission";
import { AdmissionDepth } from "./admission-depth";
import type { EngineContext } from "./context";
import type { PoolQueues } from "./lanes";
import { LeaderLease } from "./leader";
import { reconcile } from "./reconciler";

export interface SchedulerOptions {
  id?: string;
  /** Fallback tick for due retries and capacity changes; wake-ups are event-driven. */
  tickMs?: number;
  reconcileMs?: number;
  leaderTtlMs?: number;
  /** In-flight tasks allowed per worker slot: >1 keeps workers fed between rounds (up to 2.25× for short tasks, admission-depth.ts). */
  inflightPerSlot?: number;
  /** Extra depth for pools of short tasks, as a fraction of inflightPerSlot (0: a fixed depth, as tests that count queued tasks need). */
  shortTaskExtraDepth?: number;
  /**
   * Rounds wanted back to back start at least this far apart (0: at once). Under load every
   * commit batch wakes the scheduler and each round admits a handful of tasks for the same
   * fixed cost; a gap lets a round take what several commits freed. An idle system's rounds
   * are far apart already, so its latency does not change.
   */
  minRoundGapMs?: number;
}

type Trigger = "wake" | "tick";

export interface SchedulerHandle {
  id: string;
  readonly isLeader: boolean;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createScheduler(ctx: EngineContext, getQueue: (pool: string) => PoolQueues, opts: SchedulerOptions = {}): SchedulerHandle {
  const id = opts.id ?? `scheduler-${process.pid}-${randomUUID().slice(0, 8)}`;
  const log = ctx.logger.child?.({ schedulerId: id }) ?? ctx.logger;
  const lease = new LeaderLease(ctx.redis, ctx.channels.leader, id, opts.leaderTtlMs ?? 5000);
  const subscriber = ctx.redis.duplicate();
  subscriber.on("error", (err) => log.debug({ err }, "subscriber connection error"));
  const timers: NodeJS.Timeout[] = [];
  let slots = new Map<string, number>();
  const depth = new AdmissionDepth(opts.inflightPerSlot ?? 2, opts.shortTaskExtraDepth);
  let running = false;
  /** What asked for another round while one was running (null: nothing did). */
  let again: Trigger | null = null;
  let closed = false;
  const minGap = opts.minRoundGapMs ?? 0;
  let lastRoundAt = 0;

  /**
   * Live workers' slots per pool; capacity is a depth per slot of them. No live worker, no
   * admission; a draining worker (closing, concurrency 0 in its heartbeat) is not live.
   */
  async function refreshCapacity(): Promise<void> {
    const rows = await ctx.sql.query<{ pool: string; slots: number }>(
      `SELECT pool, sum(concurrency)::int AS slots FROM worker_heartbeats
       WHERE "lastSeenAt" > now() - make_interval(secs => $1::double precision / 1000) AND concurrency > 0 GROUP BY pool`, [ctx.leaseMs * 2]);
    slots = new Map(rows.map((r) => [r.pool, r.slots]));
  }

  let promoteRetries = true;
  async function round(trigger: Trigger): Promise<void> {
    const promote = promoteRetries;
    promoteRetries = false;
    let admitted = 0;
    for (const [pool, n] of slots) {
      const out = await admitPool(ctx, getQueue(pool), pool, depth.capacity(pool, n), { promoteRetries: promote });
      depth.observe(pool, out.admitted, out.short);
      admitted += out.admitted;
    }
    ctx.metrics.admissionRounds.inc({ trigger, outcome: admitted > 0 ? "admitted" : "empty" });
  }

  /** Coalesces bursts of wake-ups into back-to-back rounds, never two at once. */
  function kick(trigger: Trigger): void {
    if (closed || !lease.isLeader) return;
    if (running) {
      again = again === "tick" ? "tick" : trigger;
      return;
    }
    running = true;
    void (async () => {
      for (let why: Trigger | null = trigger; why && !closed; why = again) {
        if (minGap > 0 && Date.now() - lastRoundAt < minGap) await sleep(minGap - (Date.now() - lastRoundAt));
        if (again === "tick") why = "tick"; // arrived during the gap; the stronger label
        again = null;
        lastRoundAt = Date.now();
        try {
          await round(why);
        } catch (err) {
          ctx.metrics.admissionRounds.inc({ trigger: why, outcome: "failed" });
          log.error({ err }, "admission round failed");
        }
      }
      running = false;
    })();
  }

  async function leadTick(): Promise<void> {
    const was = lease.isLeader;
    const now = await lease.tick();
    if (now !== was) log.info({ leader: now }, now ? "became scheduler leader" : "lost scheduler leadership");
    ctx.metrics.schedulerLeader.set({ scheduler: id }, now ? 1 : 0);
    if (now) {
      await refreshCapacity();
      promoteRetries = true;
      kick("tick");
    }
  }

  const every = (ms: number, fn: () => Promise<unknown>) =>
    timers.push(setInterval(() => void fn().catch((err) => log.error({ err }, "scheduler timer failed")), ms));

  return {
    id,
    get isLeader() {
      return lease.isLeader;
    },
    async start() {
      await subscriber.subscribe(ctx.channels.wake);
      subscriber.on("message", () => kick("wake"));
      await leadTick();
      every(Math.min(opts.tickMs ?? 1000, lease.ttlMs / 3), leadTick);
      every(opts.reconcileMs ?? Math.max(500, ctx.leaseMs / 2), async () => {
        if (lease.isLeader) await reconcile(ctx, getQueue);
      });
      log.info({ leader: lease.isLeader }, "scheduler started");
    },
    async close() {
      closed = true;
      timers.forEach(clearInterval);
      while (running) await new Promise((r) => setTimeout(r, 10));
      await lease.release();
      await subscriber.quit().catch(() => {});
      log.info({}, "scheduler stopped");
    },
  };
}

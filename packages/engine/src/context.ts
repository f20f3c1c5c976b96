import type { PrismaClient } from "@fanout/db";
import type { Redis } from "ioredis";
import { channels } from "./keys";
import type { JobInserter } from "./job-group-insert";
import type { EngineMetrics } from "./metrics";
import type { QuotaCache } from "./quota";
import type { QueuedItemsCache } from "./queued-items";
import type { Sql } from "./sql";
import type { Logger } from "./types";

/** What every engine component shares; built once by createEngine. */
export interface EngineContext {
  prisma: PrismaClient;
  /** Command connection (never put into blocking or subscriber mode). */
  redis: Redis;
  logger: Logger;
  /** Redis key prefix: isolates deployments and test runs on one Redis. */
  prefix: string;
  /** Task lease (and BullMQ lock) duration. */
  leaseMs: number;
  channels: ReturnType<typeof channels>;
  metrics: EngineMetrics;
  quotas: QuotaCache;
  queuedItems: QueuedItemsCache;
  /** Submits' job inserts, grouped when they arrive together (job-group-insert.ts). */
  jobInserter: JobInserter;
  /** Hot-path SQL (claims, commits, admission, submit): a pg pool when given. */
  sql: Sql;
}

const pendingWakes = new WeakMap<EngineContext, Set<string>>();

/**
 * Wakes the scheduler (a submit, a finished task). Fire-and-forget: the scheduler also
 * ticks. Wakes for a pool raised in one turn of the event loop go out as one publish at
 * its end (setImmediate): the round that wake starts reads everything committed before
 * it, so a second publish would only cost both Redis and us a round trip (under a burst
 * of submits the web process raised one per request).
 */
export function wakeScheduler(ctx: EngineContext, pool: string): void {
  const pending = pendingWakes.get(ctx);
  if (pending) {
    pending.add(pool);
    return;
  }
  const pools = new Set([pool]);
  pendingWakes.set(ctx, pools);
  setImmediate(() => {
    pendingWakes.delete(ctx);
    for (const p of pools) ctx.redis.publish(ctx.channels.wake, p).catch(() => {});
  });
}

export function announceJob(ctx: EngineContext, jobId: string, status: string): void {
  ctx.redis.publish(ctx.channels.job(jobId), status).catch(() => {});
}

/**
 * A pool's two BullMQ queues. Footholds (a tenant's first task while it has nothing in
 * flight) travel on a lane of their own, which every worker also watches with its own
 * blocking fetch: on the shared queue a foothold waited until the worker's next fetch,
 * which a busy worker makes only as one of its jobs (a bundle of up to 16 tasks) ends,
 * 28–42 ms of the quiet tenant's p99 under a flood in bench scenario 4. Everything else,
 * and every re-add by the reconciler, goes to the main queue.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { footholdQueueName, queueName } from "./keys";

export interface PoolQueues {
  main: Queue;
  footholds: Queue;
}

export interface PoolQueueCache {
  get(pool: string): PoolQueues;
  close(): Promise<void>;
}

export function poolQueueCache(redis: Redis, prefix: string): PoolQueueCache {
  const pools = new Map<string, PoolQueues>();
  return {
    get(pool) {
      let q = pools.get(pool);
      if (!q) {
        q = { main: new Queue(queueName(pool), { connection: redis, prefix }), footholds: new Queue(footholdQueueName(pool), { connection: redis, prefix }) };
        pools.set(pool, q);
      }
      return q;
    },
    async close() {
      await Promise.all([...pools.values()].flatMap((q) => [q.main.close(), q.footholds.close()]));
    },
  };
}

/** What both of a worker's BullMQ Workers (main queue and lane) run with. */
export function taskWorkerOptions(prefix: string, leaseMs: number) {
  return {
    prefix,
    lockDuration: leaseMs,
    stalledInterval: leaseMs,
    // Postgres fencing decides who wins; BullMQ must keep re-delivering stalled tasks.
    maxStalledCount: 1_000_000,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  };
}

type BulkJob = Parameters<Queue["addBulk"]>[0][number];

/** One addBulk per lane that has jobs (both in parallel). */
export async function addToLanes(q: PoolQueues, main: BulkJob[], footholds: BulkJob[]): Promise<void> {
  await Promise.all([main.length && q.main.addBulk(main), footholds.length && q.footholds.addBulk(footholds)]);
}

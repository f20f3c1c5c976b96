// The raw BullMQ baseline: a Queue in the runner and a Worker in its own process, on the same
// Redis as Fanout, under a unique prefix that is deleted afterwards.
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { defer } from "./cleanup";
import { spawnManaged, type Proc } from "./procs";
import { deletePrefixOnCleanup, redisClient, REDIS_URL } from "./redis";

export interface Baseline {
  queue: Queue;
  worker: Proc;
  /** Resolves with the Date.now() at which the worker completed the n-th job of this name. */
  expect(name: string, n: number): Promise<() => Promise<number>>;
  latencies(name: string): Promise<{ values: number[]; done: number }>;
  /** addBulk in batches of 5,000 (one MULTI per batch). */
  addMany(name: string, n: number): Promise<void>;
}

export async function startBaseline(concurrency: number): Promise<Baseline> {
  const prefix = `fobq-${randomUUID().slice(0, 8)}`;
  const queueName = "bench";
  deletePrefixOnCleanup(prefix);
  const worker = spawnManaged(`bullmq-${prefix.slice(5)}`, "test/bench/bullmq-worker.ts", {
    ipc: true,
    env: { REDIS_URL, PREFIX: prefix, QUEUE: queueName, CONCURRENCY: String(concurrency) },
  });
  await worker.request("ready");
  const queue = new Queue(queueName, { connection: redisClient(), prefix });
  defer("baseline queue", () => queue.close());
  const opts = { removeOnComplete: true, removeOnFail: true };
  return {
    queue,
    worker,
    async expect(name, n) {
      const done = new Promise<number>((resolve, reject) => {
        const onMsg = (m: { type?: string; name?: string; at?: number }) => {
          if (m?.type !== "done" || m.name !== name) return;
          worker.child.off("message", onMsg);
          resolve(m.at!);
        };
        worker.child.on("message", onMsg);
        void worker.exited.then(() => reject(new Error(`baseline worker exited before finishing "${name}":\n${worker.tail()}`)));
      });
      done.catch(() => {});
      await worker.request("expecting", { type: "expect", name, n });
      return () => done;
    },
    latencies: (name) => worker.request("latencies", { type: "latencies", name }),
    async addMany(name, n) {
      for (let i = 0; i < n; i += 5000) {
        const batch = Array.from({ length: Math.min(5000, n - i) }, (_, k) => ({ name, data: { i: i + k }, opts }));
        await queue.addBulk(batch);
      }
    },
  };
}

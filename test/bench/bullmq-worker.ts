// Raw BullMQ baseline worker, one process (spawned by lib/bullmq.ts with an IPC channel).
// No-op processor, removeOnComplete. It counts completions per job name and reports when an
// expected count is reached, and records add → processor-start latency (job.timestamp is the
// adder's Date.now(); same machine clock, millisecond resolution like Postgres timestamptz(3)).
import { Worker } from "bullmq";
import { Redis } from "ioredis";

const env = (k: string) => process.env[k] ?? (() => { throw new Error(`${k} is required`); })();
const connection = new Redis(env("REDIS_URL"), { maxRetriesPerRequest: null });
const done = new Map<string, number>();
const expected = new Map<string, number>();
const latencies = new Map<string, number[]>();
const send = (m: object) => process.send?.(m);

const worker = new Worker(
  env("QUEUE"),
  async (job) => {
    const ms = Date.now() - job.timestamp;
    const l = latencies.get(job.name);
    if (l) l.push(ms);
    else latencies.set(job.name, [ms]);
  },
  {
    connection,
    prefix: env("PREFIX"),
    concurrency: Number(env("CONCURRENCY")),
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  },
);
worker.on("completed", (job) => {
  const n = (done.get(job.name) ?? 0) + 1;
  done.set(job.name, n);
  if (n === expected.get(job.name)) send({ type: "done", name: job.name, at: Date.now() });
});
worker.on("error", (err) => console.error("worker error", err));

process.on("message", (m: { type: string; name?: string; n?: number }) => {
  if (m.type === "expect") {
    done.set(m.name!, 0);
    latencies.set(m.name!, []);
    expected.set(m.name!, m.n!);
    send({ type: "expecting", name: m.name });
  } else if (m.type === "latencies") {
    send({ type: "latencies", name: m.name, values: latencies.get(m.name!) ?? [], done: done.get(m.name!) ?? 0 });
  }
});
const stop = async () => {
  await worker.close().catch(() => {});
  connection.disconnect();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.once("disconnect", stop);
await worker.waitUntilReady();
send({ type: "ready" });

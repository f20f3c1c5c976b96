// Where a Fanout task's start latency goes: BullMQ writes "added" and "active" events to its
// queue's event stream, and stream ids carry Redis's clock in ms (the machine clock Postgres
// timestamps use too). The streams are trimmed to ~10,000 events, so they are read live:
// the pool's main queue and its foothold lane (packages/engine/src/lanes.ts).
import type { FanoutEnv } from "./fanout";
import { Worker } from "node:worker_threads";
import { defer } from "./cleanup";
import { REDIS_URL } from "./redis";
import { sleep } from "./stats";

export interface Breakdown {
  /** jobs.createdAt → the task's "added" event (submit commit, wake-up, admission round, addBulk). */
  enqueue: number[];
  /** "added" → "active" (BullMQ hands the task to a worker). */
  pickup: number[];
  /** "active" → tasks.startedAt (the worker calls the handler). */
  claim: number[];
}

// The read loop runs on its own thread: on the submitter's event loop, parsing the flood's
// events (thousands a second) delayed the quiet tenant's submits it measures (bench
// scenario 4: quiet p99 32-38 ms with it there, 28-29 ms without it).
const LOOP = `
const { parentPort, workerData } = require("node:worker_threads");
const { Redis } = require("ioredis");
const redis = new Redis(workerData.url, { maxRetriesPerRequest: null });
const keys = workerData.keys;
const added = new Map();
const active = new Map();
let stopped = false;
parentPort.on("message", () => { stopped = true; });
(async () => {
  await redis.ping();
  parentPort.postMessage({ ready: true });
  const last = keys.map(() => "0-0");
  while (!stopped) {
    const res = await redis.xread("COUNT", 5000, "BLOCK", 200, "STREAMS", ...keys, ...last);
    for (const [key, entries] of res ?? []) {
      for (const [id, fields] of entries) {
        last[keys.indexOf(key)] = id;
        let event = "";
        let job = "";
        for (let i = 0; i + 1 < fields.length; i += 2) {
          if (fields[i] === "event") event = fields[i + 1];
          else if (fields[i] === "jobId") job = fields[i + 1].slice(0, 36);
        }
        const at = Number(id.split("-")[0]);
        // The first "added" and the last "active": a foothold a full worker handed back to
        // the main queue is active twice, and its wait there belongs to pick-up. Min and
        // max, as one read returns the two streams one after the other.
        if (event === "added" && !(added.get(job) <= at)) added.set(job, at);
        else if (event === "active" && !(active.get(job) >= at)) active.set(job, at);
      }
    }
  }
})().then(
  () => parentPort.postMessage({ added: [...added], active: [...active] }),
  (err) => parentPort.postMessage({ error: String(err) }),
).finally(() => redis.disconnect());
`;

/**
 * Records, per Fanout job id (the first 36 characters of the BullMQ id), its first "added"
 * and last "active" times; resolves once the thread is connected, so its start-up does not
 * compete with the jobs it times.
 */
export async function recordBullEvents(env: FanoutEnv, pool = "default"): Promise<{ stop(): Promise<void>; breakdown(ids: string[]): Promise<Breakdown> }> {
  const keys = [`${env.prefix}:{pool-${pool}}:events`, `${env.prefix}:{pool-${pool}}-footholds:events`];
  const thread = new Worker(LOOP, { eval: true, workerData: { url: REDIS_URL, keys } });
  defer("bull events thread", () => thread.terminate());
  let added = new Map<string, number>();
  let active = new Map<string, number>();
  let ready: () => void = () => {};
  const connected = new Promise<void>((resolve) => (ready = resolve));
  type Message = { ready?: true; error?: string; added: [string, number][]; active: [string, number][] };
  const result = new Promise<void>((resolve, reject) => {
    thread.on("message", (m: Message) => {
      if (m.ready) return ready();
      if (m.error) return reject(new Error(`BullMQ event reader failed: ${m.error}`));
      added = new Map(m.added);
      active = new Map(m.active);
      resolve();
    });
    thread.once("error", reject);
    thread.once("exit", () => reject(new Error("BullMQ event reader exited without its events")));
  });
  result.catch(() => {});
  await Promise.race([connected, result]);
  let stopping: Promise<void> | undefined;
  // A read blocked on a Redis that went away would never return: give up after 10 s.
  const stop = () => {
    stopping ??= (thread.postMessage("stop"), Promise.race([result, sleep(10_000).then(() => { throw new Error("BullMQ event reader did not stop within 10 s"); })]).finally(() => thread.terminate()));
    return stopping;
  };
  return {
    stop,
    async breakdown(ids) {
      await stop();
      const rows = await env.db.prisma.$queryRawUnsafe<{ id: string; created: number; started: number }[]>(
        `SELECT j.id::text, extract(epoch FROM j."createdAt") * 1000 AS created, extract(epoch FROM min(t."startedAt")) * 1000 AS started
         FROM jobs j JOIN tasks t ON t."jobId" = j.id WHERE j.id = ANY($1::uuid[]) GROUP BY j.id`,
        ids,
      );
      const out: Breakdown = { enqueue: [], pickup: [], claim: [] };
      for (const r of rows) {
        const a = added.get(r.id);
        const b = active.get(r.id);
        if (a === undefined || b === undefined) continue;
        out.enqueue.push(a - Number(r.created));
        out.pickup.push(b - a);
        out.claim.push(Number(r.started) - b);
      }
      return out;
    },
  };
}

/**
 * A worker's foothold lane (lanes.ts), on a thread of its own. A foothold is the first task
 * of a tenant with nothing in flight, and its start decides that tenant's latency; on the
 * worker's main thread, busy with a flood's claims, runs and commits, it waited for that
 * event loop twice: once for BullMQ to take the job, once for the handler to start (bench
 * scenario 4, p99 15 + 19 ms under a flood). Here the fetch, the keep-or-hand-back
 * decision and, for a submit-time foothold with a trusted snapshot (snapshot.ts), the
 * handler itself run on an event loop that has nothing else to do. The main thread keeps
 * everything else: the held entry, marking, heartbeats, cancels, the commit, metrics and
 * the trace span (lane-host.ts). Slots and held counts are shared memory (slots.ts,
 * fetch-pace.ts), so the main thread and this one never grant the same slot twice.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { Queue, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { refsOf, singleJob, type DeliveryData } from "./bundle";
import { FetchPace } from "./fetch-pace";
import { handlerFor, isKnownHandler } from "./handlers";
import { footholdQueueName, queueName } from "./keys";
import { taskWorkerOptions } from "./lanes";
import type { LaneThreadData, ToHost, ToLane } from "./lane-protocol";
import { RecentIds } from "./recent-ids";
import { runTask } from "./run-task";
import { freeSlots, takeSlot, waitForSlot } from "./slots";
import { taskFromSnapshot, type TaskSnapshot } from "./snapshot";
import { restoreThreadPriority } from "./thread-priority";

/** How long a foothold waits for a slot of a worker cycling short tasks before it is handed back. */
const SLOT_WAIT_MS = 50;

export async function runLaneThread(data: LaneThreadData, port: MessagePort): Promise<void> {
  const post = (m: ToHost) => port.postMessage(m);
  const priority = restoreThreadPriority(data.nice);
  if (priority.error) post({ t: "log", level: "warn", msg: "lane thread runs at the main thread's lowered CPU priority (restarted after a crash)", err: priority.error });
  const connect = () => new Redis({ ...data.redis, maxRetriesPerRequest: null, lazyConnect: true });
  const slots = new Int32Array(data.slots);
  const pace = new FetchPace(data.concurrency, data.pace);
  const pending = new Map<number, { resolve(): void; reject(err: Error): void }>();
  const runs = new Map<number, AbortController>();
  const cancelled = new RecentIds(data.cancelMemoryMs);
  let listeningSince = Number.POSITIVE_INFINITY; // until subscribed to cancels, trust no snapshot
  let nextId = 1;

  const subscriber = connect();
  subscriber.on("error", (err) => post({ t: "log", level: "debug", msg: "lane subscriber connection error", err: String(err) }));
  await subscriber.subscribe(data.cancelChannel);
  listeningSince = Date.now();
  // Cancels published while the connection is down are never heard: distrust older snapshots.
  subscriber.on("close", () => (listeningSince = Number.POSITIVE_INFINITY));
  subscriber.on("ready", () => (listeningSince = Date.now()));
  subscriber.on("message", (_channel, jobId: string) => cancelled.add(jobId));

  const queueConnection = connect();
  const main = new Queue(queueName(data.pool), { connection: queueConnection, prefix: data.prefix });

  /** As worker.ts trusts one (snapshot.ts): first delivery, fresh, and no cancel of its job heard. */
  function trusted(bull: Job<DeliveryData>): TaskSnapshot | undefined {
    if (!("t" in bull.data) || !bull.data.t) return undefined;
    const fresh = bull.attemptsStarted <= 1 && bull.timestamp >= listeningSince && Date.now() - bull.timestamp < data.cancelMemoryMs;
    return fresh && !cancelled.has(bull.data.j) ? bull.data.t : undefined;
  }

  /**
   * Whether this worker keeps a foothold: with a slot free now and room for what the main
   * queue may be fetching (`laneMayKeep`), or, while it holds more tasks than slots, with
   * the next slot released. Only short tasks are bundled (bundle.ts), so a worker holding
   * bundles frees a slot within moments, and the foothold takes it ahead of them; seeing
   * every slot busy at the instant it arrived, it used to hand the foothold back, which
   * then waited for some worker's next main-queue fetch (bench scenario 4: 9 of 124 quiet
   * jobs, and all of its p99).
   */
  async function keep(): Promise<boolean> {
    if (!pace.reserveFoothold()) return false;
    if (pace.slotsAllowKeep(freeSlots(slots)) && takeSlot(slots)) return true;
    if (pace.tasks > data.concurrency) {
      if (await waitForSlot(slots, SLOT_WAIT_MS)) return true;
      if (freeSlots(slots) > 0) post({ t: "slots" });
    }
    pace.add("footholds", -1);
    return false;
  }

  /**
   * Kept (`keep`), or handed back to the main queue at priority 1, where the next worker
   * with a slot free takes it, without its snapshot (the new job's timestamp would vouch
   * for an older one). Completes when the main thread has committed it.
   */
  async function processFoothold(bull: Job<DeliveryData>): Promise<void> {
    const [ref] = refsOf(bull.data);
    if (!ref) return;
    if (!(await keep())) {
      const j = singleJob(ref, 1);
      await main.add(j.name, j.data, j.opts);
      return;
    }
    pace.add("tasks", 1); // its foothold was counted by keep()
    const id = nextId++;
    const arrivedAt = Date.now();
    const done = new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }));
    const snap = trusted(bull);
    // A handler this thread lacks (one a test registers at run time on the main thread)
    // runs there, from the same snapshot.
    if (!snap || !isKnownHandler(snap.h)) {
      post({ t: "take", id, ref, arrivedAt, snap });
      return done;
    }
    const task = taskFromSnapshot(ref, snap);
    const ctl = new AbortController();
    runs.set(id, ctl);
    const startedAt = Date.now();
    post({ t: "take", id, ref, arrivedAt, snap, startedAt });
    runTask(task, handlerFor(task.handler), { signal: ctl.signal }).then(
      (result) => post({ t: "ran", id, result }),
      (error) => post({ t: "ran", id, error }),
    ).finally(() => runs.delete(id));
    return done;
  }

  const workerConnection = connect();
  const worker = new Worker<DeliveryData>(footholdQueueName(data.pool), processFoothold, {
    ...taskWorkerOptions(data.prefix, data.leaseMs),
    connection: workerConnection,
    concurrency: data.laneConcurrency,
  });
  worker.on("error", (err) => post({ t: "log", level: "error", msg: "worker error", err: String(err) }));
  worker.on("failed", (job, err) => post({ t: "log", level: "error", msg: "task processing failed", err: err.message, bullJobId: job?.id }));

  port.on("message", (m: ToLane) => {
    if (m.t === "done") {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error === undefined) p?.resolve();
      else p?.reject(new Error(m.error));
    } else if (m.t === "abort") {
      runs.get(m.id)?.abort(new Error(m.reason));
    } else if (m.t === "close") {
      // Active footholds finish first: each completes when the main thread has committed it.
      void worker.close().then(async () => {
        await main.close();
        await Promise.all([workerConnection, queueConnection, subscriber].map((c) => c.quit().catch(() => {})));
        post({ t: "closed" });
        port.close();
      });
    }
  });
  post({ t: "ready" });
}

if (!isMainThread && (workerData as Partial<LaneThreadData> | null)?.fanoutLane) {
  runLaneThread(workerData as LaneThreadData, parentPort!).catch((err) => {
    parentPort!.postMessage({ t: "log", level: "error", msg: "lane thread failed to start", err: String(err) } satisfies ToHost);
    process.exit(1);
  });
}

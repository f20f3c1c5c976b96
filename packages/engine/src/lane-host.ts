/**
 * The main thread's side of a worker's foothold lane (lane-thread.ts): starts the thread,
 * hands each foothold it keeps to the worker (`onTake`) and tells the thread when that
 * foothold has committed, so its BullMQ job completes only then (a crash before leaves it
 * active, and BullMQ's stall check re-delivers it). A thread that dies is started again.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import type { Redis } from "ioredis";
import type { LaneThreadData, ToHost, ToLane } from "./lane-protocol";
import type { TaskRef } from "./lease";
import type { TimedRunResult } from "./run-task";
import type { TaskSnapshot } from "./snapshot";
import type { Logger } from "./types";

/** A handler the lane thread started from a snapshot. */
export interface RemoteRun {
  /** The handler's start (the thread's Date.now()): the task's startedAt. */
  startedAt: number;
  result: Promise<TimedRunResult>;
  abort(reason: string): void;
}

export interface LaneTake {
  ref: TaskRef;
  arrivedAt: number;
  snap?: TaskSnapshot;
  remote?: RemoteRun;
  /** Aborted if the thread exits first: the task must stop (its BullMQ job will be re-delivered). */
  signal: AbortSignal;
}

export interface LaneHost {
  close(): Promise<void>;
  /** Crash simulation: the thread stops at once, mid-run. */
  kill(): Promise<void>;
  /** Crash simulation of the thread alone: it stops at once and is started again, as after a crash of its own. */
  crashThread(): Promise<void>;
}

export interface LaneHostOptions extends Omit<LaneThreadData, "fanoutLane" | "redis"> {
  redis: Redis;
  logger: Logger;
  /** Runs a kept foothold to its commit; the thread is told when it settles. */
  onTake(take: LaneTake): Promise<void>;
  /** The thread stopped waiting for a slot without one, and some are free. */
  onSlotsLeft(): void;
  /** The thread exited: its waits for slots are over. */
  onExit(): void;
}

const RESTART_DELAY_MS = 1000;

export async function startLaneHost(opts: LaneHostOptions): Promise<LaneHost> {
  const { redis, logger, onTake, onSlotsLeft, onExit, ...rest } = opts;
  const data: LaneThreadData = { ...rest, fanoutLane: true, redis: cloneable(redis.options) as Record<string, unknown> };
  let stopping = false;
  let restart: NodeJS.Timeout | undefined;
  let thread: Worker | undefined;
  let closed: Promise<void> = Promise.resolve();

  const launch = () =>
    new Promise<void>((ready, failed) => {
      const t = (thread = spawn(data));
      // This thread's takes (ids are per thread): their runs, and the takes themselves,
      // which end when it does, since the BullMQ locks it renewed end with it.
      const runs = new Map<number, { resolve(r: TimedRunResult): void; reject(e: unknown): void }>();
      const takes = new Map<number, AbortController>();
      let onClosed!: () => void;
      closed = new Promise((r) => (onClosed = r));
      const send = (m: ToLane) => t.postMessage(m);
      t.on("message", (m: ToHost) => {
        if (m.t === "ready") ready();
        else if (m.t === "closed") onClosed();
        else if (m.t === "slots") onSlotsLeft();
        else if (m.t === "log") logger[m.level]({ err: m.err, bullJobId: m.bullJobId }, m.msg);
        else if (m.t === "ran") {
          const run = runs.get(m.id);
          runs.delete(m.id);
          if (m.error === undefined) run?.resolve(m.result!);
          else run?.reject(m.error);
        } else if (m.t === "take") {
          let remote: RemoteRun | undefined;
          if (m.startedAt !== undefined) {
            const result = new Promise<TimedRunResult>((resolve, reject) => runs.set(m.id, { resolve, reject }));
            remote = { startedAt: m.startedAt, result, abort: (reason) => send({ t: "abort", id: m.id, reason }) };
          }
          const ctl = new AbortController();
          takes.set(m.id, ctl);
          onTake({ ref: m.ref, arrivedAt: m.arrivedAt, snap: m.snap, remote, signal: ctl.signal })
            .then(
              () => send({ t: "done", id: m.id }),
              (err: unknown) => send({ t: "done", id: m.id, error: err instanceof Error ? err.message : String(err) }),
            )
            .finally(() => takes.delete(m.id));
        }
      });
      t.once("error", (err) => logger.error({ err }, "foothold lane thread failed"));
      t.once("exit", (code) => {
        onClosed();
        onExit();
        const gone = new Error(`foothold lane thread exited (${code})`);
        for (const run of runs.values()) run.reject(gone);
        // BullMQ re-delivers their jobs once their locks lapse; running on meanwhile, a take
        // would meet its own re-delivery here and refuse it.
        for (const ctl of takes.values()) ctl.abort(gone);
        failed(new Error(`foothold lane thread exited (${code}) before it was ready`));
        if (stopping) return;
        logger.error({ code }, "foothold lane thread exited; starting it again");
        restart = setTimeout(() => {
          if (!stopping) void launch().catch((err) => logger.error({ err }, "foothold lane thread restart failed"));
        }, RESTART_DELAY_MS);
        restart.unref();
      });
    });

  await launch().catch((err) => {
    stopping = true;
    throw err;
  });
  const stop = () => {
    stopping = true;
    clearTimeout(restart);
  };
  return {
    async close() {
      stop();
      thread?.postMessage({ t: "close" } satisfies ToLane);
      await closed;
      await thread?.terminate();
    },
    async kill() {
      stop();
      await thread?.terminate();
    },
    async crashThread() {
      await thread?.terminate();
    },
  };
}

/**
 * Bundled (apps/worker/dist/main.mjs), the thread is the lane-thread.mjs built beside it
 * (scripts/lib/bundle.mjs); from TypeScript source (tests, tsx), tsx's API loads
 * lane-thread.ts (not an inherited `--import tsx`: Node 20 does not run a thread's --import).
 * The constructor is reached through Reflect so that bundlers which see `new Worker(…)`
 * (Next's, for the web app that imports the engine but never runs a worker) do not try to
 * resolve and bundle the thread's script.
 */
function spawn(data: LaneThreadData): Worker {
  const here = fileURLToPath(import.meta.url);
  const start = (script: string, opts: WorkerOptions) => Reflect.construct(Worker, [script, { ...opts, workerData: data }]) as Worker;
  if (!here.endsWith(".ts")) return start(path.join(path.dirname(here), "lane-thread.mjs"), {});
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api")); // from here, not from the working directory
  const url = JSON.stringify(pathToFileURL(path.join(path.dirname(here), "lane-thread.ts")).href);
  return start(`import(${api}).then((m) => m.tsImport(${url}, ${url}))`, { eval: true });
}

/** What a thread can receive of the worker's Redis options: functions (retryStrategy, TLS callbacks and the like) stay behind. */
function cloneable(v: unknown): unknown {
  if (typeof v === "function") return undefined;
  if (v === null || typeof v !== "object" || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) return v.map(cloneable);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x !== "function" && k !== "Connector") out[k] = cloneable(x);
  return out;
}

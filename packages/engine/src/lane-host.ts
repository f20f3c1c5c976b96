/**
 * The main thread's side of a worker's foothold lane (lane-thread.ts): starts the thread,
 * hands each foothold it keeps to the worker (`onTake`) and tells the thread when that
 * foothold has committed, so its BullMQ job completes only then (a crash before leaves it
 * active, and BullMQ's stall check re-delivers it). A thread that dies is started again.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
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
}

export interface LaneHost {
  close(): Promise<void>;
  /** Crash simulation: the thread stops at once, mid-run. */
  kill(): Promise<void>;
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
  const data: LaneThreadData = { ...rest, fanoutLane: true, redis: cloneableOptions(redis) };
  const runs = new Map<number, { resolve(r: TimedRunResult): void; reject(e: unknown): void }>();
  let stopping = false;
  let thread: Worker;
  let closed: Promise<void> = Promise.resolve();

  const launch = () =>
    new Promise<void>((ready, failed) => {
      const t = (thread = spawn(data));
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
          onTake({ ref: m.ref, arrivedAt: m.arrivedAt, snap: m.snap, remote }).then(
            () => send({ t: "done", id: m.id }),
            (err: unknown) => send({ t: "done", id: m.id, error: err instanceof Error ? err.message : String(err) }),
          );
        }
      });
      t.once("error", (err) => logger.error({ err }, "foothold lane thread failed"));
      t.once("exit", (code) => {
        onClosed();
        onExit();
        for (const run of runs.values()) run.reject(new Error(`foothold lane thread exited (${code})`));
        runs.clear();
        failed(new Error(`foothold lane thread exited (${code}) before it was ready`));
        if (stopping) return;
        logger.error({ code }, "foothold lane thread exited; starting it again");
        setTimeout(() => void launch().catch((err) => logger.error({ err }, "foothold lane thread restart failed")), RESTART_DELAY_MS).unref();
      });
    });

  await launch();
  return {
    async close() {
      stopping = true;
      thread.postMessage({ t: "close" } satisfies ToLane);
      await closed;
      await thread.terminate();
    },
    async kill() {
      stopping = true;
      await thread.terminate();
    },
  };
}

/**
 * Bundled (apps/worker/dist/main.mjs), the thread is the lane-thread.mjs built beside it
 * (scripts/lib/bundle.mjs); from TypeScript source (tests, tsx), tsx loads lane-thread.ts.
 * Paths are computed, not `new URL("./…", import.meta.url)`, which bundlers would resolve.
 */
function spawn(data: LaneThreadData): Worker {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith(".ts")) return new Worker(path.join(path.dirname(here), "lane-thread.mjs"), { workerData: data });
  const url = JSON.stringify(pathToFileURL(path.join(path.dirname(here), "lane-thread.ts")).href);
  return new Worker(`import("tsx/esm/api").then((m) => m.tsImport(${url}, ${url}))`, { eval: true, workerData: data });
}

/** The worker's Redis options a thread can receive: functions (retryStrategy and the like) stay behind. */
function cloneableOptions(redis: Redis): Record<string, unknown> {
  const keep: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(redis.options)) {
    if (typeof v !== "function" && k !== "Connector" && k !== "connectionName") keep[k] = v;
  }
  return keep;
}

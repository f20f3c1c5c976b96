/**
 * Messages between a worker's main thread (lane-host.ts) and its foothold-lane thread
 * (lane-thread.ts). Structured-clone data only: ids, task refs, snapshots, run results.
 */
import type { TaskRef } from "./lease";
import type { TimedRunResult } from "./run-task";
import type { TaskSnapshot } from "./snapshot";

/** What the thread needs to connect and decide; `slots` and `pace` are the worker's shared counts. */
export interface LaneThreadData {
  fanoutLane: true;
  /** The worker's Redis connection options, minus anything a thread cannot receive (functions). */
  redis: Record<string, unknown>;
  prefix: string;
  pool: string;
  /** The worker's slots (its concurrency). */
  concurrency: number;
  /** Footholds the lane's BullMQ Worker takes at once. */
  laneConcurrency: number;
  leaseMs: number;
  cancelChannel: string;
  /** How long a heard cancel is remembered, and so how old a snapshot is trusted. */
  cancelMemoryMs: number;
  slots: SharedArrayBuffer;
  pace: SharedArrayBuffer;
  /** The CPU priority the thread should run at: the main thread's before it lowered its own (thread-priority.ts). */
  nice: number;
}

export type ToHost =
  | { t: "ready" }
  /**
   * A foothold the thread kept, with a slot taken for it and counted in `pace`. With
   * `startedAt`, the thread started its handler from `snap` then and a "ran" follows;
   * without, the main thread runs it: from `snap` (trusted by the thread), or claimed.
   */
  | { t: "take"; id: number; ref: TaskRef; arrivedAt: number; snap?: TaskSnapshot; startedAt?: number }
  | { t: "ran"; id: number; result?: TimedRunResult; error?: unknown }
  /** A wait for a slot ended without one while slots are free: the main thread's waiters may take them. */
  | { t: "slots" }
  | { t: "log"; level: "error" | "warn" | "debug"; msg: string; err?: unknown; bullJobId?: string }
  | { t: "closed" };

export type ToLane =
  /** The take `id` has committed (or failed): its BullMQ job may complete. */
  | { t: "done"; id: number; error?: string }
  | { t: "abort"; id: number; reason: string }
  | { t: "close" };

/**
 * Task bundling in transport: several short tasks admitted together for one tenant travel
 * as ONE BullMQ job, so the Redis and BullMQ work (add, move to active, lock, move to
 * finished) is paid per bundle, not per task. Only transport changes: each task is still
 * claimed, fenced, run, committed, retried and dead-lettered on its own in Postgres.
 *
 * Pure decisions and the job-data format live here; admission.ts enqueues, worker.ts
 * unpacks.
 */
import { bullJobId } from "./keys";
import type { TaskRef } from "./lease";
import type { TaskSnapshot } from "./snapshot";

/**
 * At most this many tasks per bundle. With tasks under SHORT_TASK_MICROS, a full bundle is
 * at most ~32 ms of handler time: the delay one bundle can add to its last task, and the
 * work one worker may sit on beyond its slots while others idle (worker.ts pace()). Past
 * 16 the saving flattens, BullMQ's per-job cost being already 1/16 per task: bench scenario
 * 1 measured 5,742 tasks/s at 16 and 5,814 at 32 (noise), while the hoarding and the
 * blast radius of a crashed worker's stalled bundle keep growing with the size.
 */
export const MAX_BUNDLE = 16;

/**
 * Only tasks expected to run under 2 ms are bundled: then BullMQ's own cost (a few hundred
 * microseconds of worker, Redis and scheduler CPU per job) is a large share of the task,
 * and holding 16 of them on one worker delays nothing noticeably. Longer tasks keep one
 * BullMQ job each so idle workers can take them one by one and work spreads evenly.
 */
export const SHORT_TASK_MICROS = 2_000;

export interface Deliverable {
  tenantId: string;
  /** 1: a foothold (first task of a tenant with nothing in flight); 2: everyone else. */
  bullPriority: number;
  /** Expected run time (items × the handler's observed mean); undefined: never observed. */
  taskMicros: number | undefined;
}

/** Short enough to bundle; unknown handlers are not, so a slow one is never hoarded. */
export function isShort(taskMicros: number | undefined): boolean {
  return taskMicros !== undefined && taskMicros < SHORT_TASK_MICROS;
}

/**
 * Splits one admission round's tasks into BullMQ jobs (each entry: the tasks of one job,
 * in admission order). A foothold or a task that is not short is a job of its own; a
 * tenant's short tasks are cut into as few bundles as MAX_BUNDLE allows, of even sizes
 * (20 tasks: 10 + 10, not 16 + 4), so two workers can share a small grant. Jobs are
 * returned in the order of their first task, keeping dispatch first come, first served.
 */
export function planDelivery<T extends Deliverable>(tasks: T[]): T[][] {
  const jobs: { at: number; tasks: T[] }[] = [];
  const short = new Map<string, number[]>(); // tenant → positions of its short tasks
  tasks.forEach((t, at) => {
    if (t.bullPriority === 1 || !isShort(t.taskMicros)) return jobs.push({ at, tasks: [t] });
    const group = short.get(t.tenantId);
    if (group) group.push(at);
    else short.set(t.tenantId, [at]);
  });
  for (const group of short.values()) {
    const size = Math.ceil(group.length / Math.ceil(group.length / MAX_BUNDLE));
    for (let i = 0; i < group.length; i += size) {
      const part = group.slice(i, i + size);
      jobs.push({ at: part[0]!, tasks: part.map((at) => tasks[at]!) });
    }
  }
  return jobs.sort((a, b) => a.at - b.at).map((j) => j.tasks);
}

/** One task per BullMQ job: what the reconciler and the submit-time foothold enqueue. */
export interface SingleData {
  j: string;
  s: number;
  a: number;
  /** A submit-time foothold's task as inserted (snapshot.ts). */
  t?: TaskSnapshot;
}

/**
 * A bundle: per Fanout job, its id then (seq, admits) pairs, so 16 tasks of one job cost
 * ~120 bytes of Redis, not 16 uuids.
 */
export interface BundleData {
  b: (string | number)[][];
}

export type DeliveryData = SingleData | BundleData;

/**
 * The bundle's BullMQ id: its first task's own id plus a marker. Each admission gives
 * that task a new `admits`, so the id is unique per admission and a re-add of the same
 * bundle is a no-op, and it never equals a single task's id (which the reconciler
 * re-adds), so the two cannot collide.
 */
export const BUNDLE_MARK = ".b";

export function bundleJobId(first: TaskRef): string {
  return bullJobId(first.jobId, first.seq, first.admits) + BUNDLE_MARK;
}

export function isBundleJobId(id: string | undefined): boolean {
  return id !== undefined && id.endsWith(BUNDLE_MARK);
}

export function singleData(t: TaskRef, snapshot?: TaskSnapshot): SingleData {
  return { j: t.jobId, s: t.seq, a: t.admits, ...(snapshot && { t: snapshot }) };
}

/** What every Fanout BullMQ job is added with: Postgres, not Redis, keeps the history. */
export const JOB_OPTS = { removeOnComplete: true, removeOnFail: true } as const;

/** A BullMQ job carrying one task, under the task's own id. */
export function singleJob(t: TaskRef, priority: number | undefined, snapshot?: TaskSnapshot) {
  return { name: "task", data: singleData(t, snapshot) as DeliveryData, opts: { jobId: bullJobId(t.jobId, t.seq, t.admits), ...JOB_OPTS, ...(priority ? { priority } : {}) } };
}

export function bundleData(tasks: TaskRef[]): BundleData {
  const byJob = new Map<string, (string | number)[]>();
  for (const t of tasks) {
    const group = byJob.get(t.jobId);
    if (group) group.push(t.seq, t.admits);
    else byJob.set(t.jobId, [t.jobId, t.seq, t.admits]);
  }
  return { b: [...byJob.values()] };
}

/** The task refs a BullMQ job carries, whichever format it has. */
export function refsOf(data: DeliveryData): TaskRef[] {
  if (!("b" in data)) return [{ jobId: data.j, seq: data.s, admits: data.a }];
  const refs: TaskRef[] = [];
  for (const [jobId, ...pairs] of data.b) {
    for (let i = 0; i + 1 < pairs.length; i += 2) refs.push({ jobId: jobId as string, seq: pairs[i] as number, admits: pairs[i + 1] as number });
  }
  return refs;
}

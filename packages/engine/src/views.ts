import type { Job } from "@fanout/db";
import type { JobProgress, JobView } from "./types";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Items of a job's running tasks; those on a retry are also in the job's itemsFailed. */
export interface ActiveCounts {
  running: number;
  runningRetry: number;
}

export const NONE_ACTIVE: ActiveCounts = { running: 0, runningRetry: 0 };

/** running comes from running tasks and queued is the rest, so the counters always sum to the total. */
export function progressOf(job: Pick<Job, "totalItems" | "itemsSucceeded" | "itemsFailed" | "itemsDead" | "status">, active: ActiveCounts): JobProgress {
  const { totalItems: total, itemsSucceeded: succeeded, itemsDead: dead } = job;
  const live = job.status === "queued" || job.status === "running";
  const running = live ? active.running : 0;
  const failed = live ? Math.max(0, job.itemsFailed - active.runningRetry) : 0;
  return { total, queued: Math.max(0, total - running - succeeded - failed - dead), running, succeeded, failed, dead };
}

export function toJobView(job: Omit<Job, "result">, active: ActiveCounts = NONE_ACTIVE): JobView {
  return {
    id: job.id,
    name: job.name,
    handler: job.handler,
    status: job.status,
    paused: job.paused,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    progress: progressOf(job, active),
    priority: job.priority,
    maxAttempts: job.maxAttempts,
    timeoutMs: job.timeoutMs,
    chunkSize: job.chunkSize,
    taskCount: job.taskCount,
    pool: job.pool,
    labels: (job.labels ?? {}) as Record<string, string>,
    orderingKey: job.orderingKey,
    input:
      job.inputKind === "range"
        ? { kind: "range", from: Number(job.rangeFrom), to: Number(job.rangeTo) }
        : { kind: "items", count: job.totalItems },
  };
}

import type { Job } from "@fanout/db";
import type { JobProgress, JobView } from "./types";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** queued is derived so the counters always sum to the total. */
export function progressOf(job: Pick<Job, "totalItems" | "itemsRunning" | "itemsSucceeded" | "itemsFailed" | "itemsDead">): JobProgress {
  const { totalItems: total, itemsRunning: running, itemsSucceeded: succeeded, itemsFailed: failed, itemsDead: dead } = job;
  return { total, queued: Math.max(0, total - running - succeeded - failed - dead), running, succeeded, failed, dead };
}

export function toJobView(job: Job): JobView {
  return {
    id: job.id,
    name: job.name,
    handler: job.handler,
    status: job.status,
    paused: job.paused,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    progress: progressOf(job),
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

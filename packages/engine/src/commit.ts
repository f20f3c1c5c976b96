import type { PrismaClient } from "@fanout/db";
import type { ClaimedTask } from "./lease";

export interface ItemFailureRecord {
  index: number;
  error: string;
  fingerprint: string;
}

export interface TaskRunResult {
  /** Absolute item indexes that succeeded, ascending, and their outputs. */
  indexes: number[];
  outputs: unknown[];
  /** Failed items still to retry, and those that exhausted their attempts. */
  retry: ItemFailureRecord[];
  dead: ItemFailureRecord[];
}

/**
 * First-writer-wins: the task row is updated only while it is still running under the
 * attempt this worker claimed. Results, failures, dead letters and job counters are
 * written in the same statement, so they exist exactly when the fenced update won.
 */
const COMMIT_SQL = `
WITH fenced AS (
  UPDATE tasks SET status = $5::"TaskStatus", runs = runs + 1, "pendingIdx" = $6::int[],
    "runAfter" = CASE WHEN $7::int >= 0 THEN now() + make_interval(secs => $7::double precision / 1000) ELSE NULL END,
    "leaseUntil" = NULL, "lastError" = $8, "finishedAt" = CASE WHEN $5 = 'done' THEN now() ELSE NULL END
  WHERE "jobId" = $1::uuid AND seq = $2 AND attempt = $3 AND status = 'running'
  RETURNING "jobId", seq, "tenantId", runs
), res AS (
  INSERT INTO task_results ("jobId", seq, attempt, "tenantId", indexes, outputs)
  SELECT f."jobId", f.seq, $3, f."tenantId", $9::int[], $10::jsonb FROM fenced f WHERE cardinality($9::int[]) > 0
), fail AS (
  INSERT INTO item_failures ("tenantId", "jobId", seq, "itemIndex", attempt, error, fingerprint, "workerId")
  SELECT f."tenantId", f."jobId", f.seq, x.idx, f.runs, x.err, x.fp, $4
  FROM fenced f, unnest($11::int[], $12::text[], $13::text[]) AS x(idx, err, fp)
), dead AS (
  INSERT INTO dead_letters ("jobId", "itemIndex", "tenantId", seq, attempts, error, fingerprint)
  SELECT f."jobId", x.idx, f."tenantId", f.seq, f.runs, x.err, x.fp
  FROM fenced f, unnest($14::int[], $15::text[], $16::text[]) AS x(idx, err, fp)
  ON CONFLICT ("jobId", "itemIndex") DO UPDATE
    SET attempts = EXCLUDED.attempts, error = EXCLUDED.error, fingerprint = EXCLUDED.fingerprint, "createdAt" = now()
), job AS (
  UPDATE jobs SET
    "itemsRunning" = "itemsRunning" - $17, "itemsSucceeded" = "itemsSucceeded" + $18,
    "itemsFailed" = "itemsFailed" + $19, "itemsDead" = "itemsDead" + $20, "tasksDone" = "tasksDone" + $21,
    status = CASE WHEN "tasksDone" + $21 >= "taskCount"
                  THEN (CASE WHEN "itemsDead" + $20 > 0 THEN 'failed' ELSE 'succeeded' END)::"JobStatus"
                  ELSE status END,
    "finishedAt" = CASE WHEN "tasksDone" + $21 >= "taskCount" THEN now() ELSE "finishedAt" END
  FROM fenced WHERE jobs.id = fenced."jobId"
  RETURNING jobs.status
)
SELECT status FROM job`;

export type CommitOutcome = { committed: false } | { committed: true; jobStatus: string };

export async function commitTask(
  prisma: PrismaClient,
  task: ClaimedTask,
  workerId: string,
  result: TaskRunResult,
  retryDelayMs: number,
): Promise<CommitOutcome> {
  const done = result.retry.length === 0;
  // Offsets within the chunk, which is what pendingIdx stores.
  const retryOffsets = result.retry.map((f) => f.index - task.firstIndex);
  const failures = [...result.retry, ...result.dead].sort((a, b) => a.index - b.index);
  const lastError = failures.length > 0 ? failures[failures.length - 1]!.error.slice(0, 2000) : null;
  const rows = await prisma.$queryRawUnsafe<{ status: string }[]>(
    COMMIT_SQL,
    task.jobId,
    task.seq,
    task.attempt,
    workerId,
    done ? "done" : "backoff",
    retryOffsets,
    done ? -1 : retryDelayMs,
    lastError,
    result.indexes,
    JSON.stringify(result.outputs),
    failures.map((f) => f.index),
    failures.map((f) => f.error.slice(0, 2000)),
    failures.map((f) => f.fingerprint),
    result.dead.map((f) => f.index),
    result.dead.map((f) => f.error.slice(0, 2000)),
    result.dead.map((f) => f.fingerprint),
    task.n,
    result.indexes.length,
    result.retry.length,
    result.dead.length,
    done ? 1 : 0,
  );
  const row = rows[0];
  return row ? { committed: true, jobStatus: row.status } : { committed: false };
}

import { prepared, type Sql } from "./sql";

/**
 * Claiming is a fenced read; the lease is taken lazily. A worker reads the task (still
 * queued under the admission its delivery names) and starts it at once; only a task that
 * is still running after MARK_AFTER_MS (worker.ts) is marked: status → running, attempt + 1
 * (the fencing token), leaseUntil pushed forward. A short task skips the mark and its
 * commit does both at once, fenced on the attempt it read (commit.ts): one task-row write
 * fewer per task, and the claim no longer moves index entries. Until marked, a task is
 * covered like any queued task: BullMQ re-delivers its job if the worker stalls, and the
 * reconciler finds that job in Redis.
 *
 * Two readers of the same queued task (a stall re-delivery) may both run it; the first
 * commit or mark wins and the other is refused. A re-delivery that finds the task already
 * running (its holder was marked, then stalled or crashed) takes it over eagerly, so a
 * stale holder's commit is refused as before.
 *
 * Task statuses are compared as text in the statements that look tasks up by key
 * (here, commit.ts): as an enum comparison the planner matched the partial per-status
 * indexes and scanned every in-flight task of the job per key instead of one primary-key
 * probe (27-50 ms a claim at 20,000 tasks).
 */
const READ_SQL = prepared("claim_read", `
SELECT t."jobId", t.seq, t.status::text AS status, t.attempt, t.items, t."firstIndex", t."itemCount", t."pendingIdx",
  t.runs, t."tenantId", t."createdAt", j.status AS "jobStatus", j.handler, j."inputKind", j."rangeFrom", j."timeoutMs",
  j."maxAttempts", j."backoffBaseMs", j."backoffMaxMs", j.traceparent
FROM tasks t JOIN unnest($1::uuid[], $2::int[], $3::int[]) AS r(j, s, a) ON t."jobId" = r.j AND t.seq = r.s AND t.admits = r.a
JOIN jobs j ON j.id = t."jobId"
WHERE t.status::text IN ('queued', 'running') AND j.status IN ('queued', 'running')`);

/**
 * Marks tasks running under the attempt and status each was read at: a lazy claim read
 * it queued (and a pause since may have put it back to pending: running work finishes,
 * as a pause promises), a takeover read it running. The status matters: a row redriven
 * and re-admitted between a takeover's read and its mark is queued at the same attempt
 * with other contents. Only task rows are locked (in key order).
 */
const MARK_SQL = prepared("claim_mark", `
WITH t AS (
  SELECT t."jobId", t.seq, r.started_at FROM tasks t
  JOIN unnest($1::uuid[], $2::int[], $3::int[], $6::float8[], $7::boolean[]) AS r(j, s, a, started_at, lazy)
    ON t."jobId" = r.j AND t.seq = r.s AND t.attempt = r.a
  JOIN jobs j ON j.id = t."jobId"
  WHERE (CASE WHEN r.lazy THEN t.status::text IN ('queued', 'pending') ELSE t.status::text = 'running' END)
    AND j.status IN ('queued', 'running')
  ORDER BY t."jobId", t.seq
  FOR UPDATE OF t
)
UPDATE tasks SET status = 'running', attempt = tasks.attempt + 1, "workerId" = $4,
  "leaseUntil" = now() + make_interval(secs => $5::double precision / 1000),
  "startedAt" = COALESCE(tasks."startedAt", to_timestamp(t.started_at / 1000), now())
FROM t WHERE tasks."jobId" = t."jobId" AND tasks.seq = t.seq
RETURNING tasks."jobId", tasks.seq`);

const JOB_START_SQL = prepared("job_start", `UPDATE jobs SET status = 'running', "startedAt" = COALESCE("startedAt", now())
  WHERE id IN (SELECT id FROM jobs WHERE id = ANY($1::uuid[]) AND status = 'queued' ORDER BY id FOR UPDATE)`);

/**
 * Renewal skips rows another transaction holds: the held list includes tasks whose
 * commit is in flight, and waiting on them (rows locked in no common order) deadlocked
 * renewals with commits, each cycle costing deadlock_timeout (1 s) and a failed statement.
 * A task being committed needs no longer lease; any other skip is retried next beat,
 * well inside the lease.
 */
const RENEW_SQL = prepared("renew", `WITH h AS (
    SELECT t."jobId", t.seq FROM tasks t JOIN unnest($1::uuid[], $2::int[], $3::int[]) AS r(j, s, a)
      ON t."jobId" = r.j AND t.seq = r.s AND t.attempt = r.a
    WHERE t.status::text = 'running'
    ORDER BY t."jobId", t.seq
    FOR UPDATE OF t SKIP LOCKED)
  UPDATE tasks SET "leaseUntil" = now() + make_interval(secs => $4::double precision / 1000)
  FROM h WHERE tasks."jobId" = h."jobId" AND tasks.seq = h.seq`);

export interface TaskRef {
  jobId: string;
  seq: number;
  admits: number;
}

export interface ClaimedTask {
  jobId: string;
  seq: number;
  /** This run's attempt (the fencing token once marked). */
  attempt: number;
  /** Read, not yet marked: the row still says queued at attempt − 1 (see above). */
  lazy: boolean;
  items: unknown[] | null;
  firstIndex: number;
  itemCount: number;
  pendingIdx: number[];
  runs: number;
  /** Items this run processes. */
  n: number;
  handler: string;
  inputKind: string;
  /** bigint from Prisma, string from pg: read it with Number(). */
  rangeFrom: bigint | string | null;
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  tenantId: string;
  createdAt: Date;
  jobStatus: string;
  /** The job's trace, continued by the run's span. */
  traceparent?: string | null;
}

type ReadRow = Omit<ClaimedTask, "n" | "lazy"> & { status: string };

/** A task's key in per-worker maps and batch answers: `jobId.seq`. */
export const keyOf = (t: { jobId: string; seq: number }): string => `${t.jobId}.${t.seq}`;

/**
 * Claims many tasks with one read; answers per ref (null: stale, cancelled or done).
 * Queued tasks come back lazy; one already running (a re-delivery) is marked at once.
 * The job is marked running by its first mark or commit, not here: a small job's claim
 * is then one read, with nothing written before its handler starts.
 */
export async function claimTasks(sql: Sql, refs: TaskRef[], workerId: string, leaseMs: number): Promise<(ClaimedTask | null)[]> {
  const rows = await sql.query<ReadRow>(READ_SQL, [refs.map((r) => r.jobId), refs.map((r) => r.seq), refs.map((r) => r.admits)]);
  const tasks = rows.map(({ status, ...row }): ClaimedTask => ({
    ...row,
    attempt: row.attempt + 1,
    lazy: status === "queued",
    n: row.pendingIdx.length > 0 ? row.pendingIdx.length : row.itemCount,
  }));
  const takeover = tasks.filter((t) => !t.lazy);
  const won = takeover.length > 0 ? await markTasks(sql, takeover, workerId, leaseMs) : new Set<string>();
  const byKey = new Map(tasks.filter((t) => t.lazy || won.has(keyOf(t))).map((t) => [keyOf(t), t]));
  // One task delivered twice in a batch (a bundle and a re-added single) runs once.
  return refs.map((r) => {
    const t = byKey.get(keyOf(r));
    byKey.delete(keyOf(r));
    return t ?? null;
  });
}

export async function claimTask(sql: Sql, ref: TaskRef, workerId: string, leaseMs: number): Promise<ClaimedTask | null> {
  return (await claimTasks(sql, [ref], workerId, leaseMs))[0] ?? null;
}

/**
 * Takes the lease of claimed tasks, each fenced on the attempt it was read at; answers the
 * keys (`jobId.seq`) won; a task lost here was taken or finished by someone else.
 * `startedAt` (epoch ms when its handler began, per task; null: not yet, so now()) becomes
 * a first run's startedAt.
 */
export async function markTasks(sql: Sql, tasks: Pick<ClaimedTask, "jobId" | "seq" | "attempt" | "lazy">[], workerId: string, leaseMs: number, startedAt?: (number | null)[]): Promise<Set<string>> {
  const rows = await sql.query<{ jobId: string; seq: number }>(MARK_SQL, [tasks.map((t) => t.jobId),
    tasks.map((t) => t.seq),
    tasks.map((t) => t.attempt - 1),
    workerId,
    leaseMs,
    startedAt ?? tasks.map(() => null),
    tasks.map((t) => t.lazy)]);
  // Separate statement on purpose: holding task locks while waiting for a job row lock
  // would invert the jobs-before-tasks lock order that commits and cancels follow.
  // Best effort: the marks have committed and must be reported as won; a job left queued
  // is moved to running by its first commit.
  if (rows.length > 0) await sql.exec(JOB_START_SQL, [[...new Set(rows.map((r) => r.jobId))]]).catch(() => {});
  return new Set(rows.map(keyOf));
}

/** Extends the leases of every task this worker still holds, in one statement. */
export async function renewLeases(sql: Sql, held: { jobId: string; seq: number; attempt: number }[], leaseMs: number): Promise<number> {
  if (held.length === 0) return 0;
  return sql.exec(RENEW_SQL, [held.map((h) => h.jobId),
    held.map((h) => h.seq),
    held.map((h) => h.attempt),
    leaseMs]);
}

import { prepared, type Sql } from "./sql";

/**
 * Claiming is the lease: status → running, attempt + 1 (the fencing token), leaseUntil
 * pushed forward. Only task rows are locked (in key order): a claim never waits on the
 * job row. A BullMQ re-delivery after a crash may reclaim a running task; the old
 * holder's attempt no longer matches, so its commit is rejected.
 *
 * Task statuses are compared as text in the statements that look tasks up by key
 * (here, commit.ts): as an enum comparison the planner matched the partial per-status
 * indexes and scanned every in-flight task of the job per key instead of one primary-key
 * probe (27-50 ms a claim at 20,000 tasks).
 */
const CLAIM_SQL = prepared("claim", `
WITH refs AS (SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[]) AS r(j, s, a)),
t AS (
  SELECT t."jobId", t.seq, j.status AS "jobStatus", j.handler, j."inputKind", j."rangeFrom", j."timeoutMs",
         j."maxAttempts", j."backoffBaseMs", j."backoffMaxMs", j.traceparent
  FROM tasks t JOIN refs r ON t."jobId" = r.j AND t.seq = r.s AND t.admits = r.a
  JOIN jobs j ON j.id = t."jobId"
  WHERE t.status::text IN ('queued', 'running') AND j.status IN ('queued', 'running')
  ORDER BY t."jobId", t.seq
  FOR UPDATE OF t
)
UPDATE tasks SET status = 'running', attempt = tasks.attempt + 1, "workerId" = $4,
  "leaseUntil" = now() + make_interval(secs => $5::double precision / 1000),
  "startedAt" = COALESCE(tasks."startedAt", now())
FROM t WHERE tasks."jobId" = t."jobId" AND tasks.seq = t.seq
RETURNING tasks."jobId", tasks.seq, tasks.attempt, tasks.items, tasks."firstIndex", tasks."itemCount", tasks."pendingIdx",
  tasks.runs, tasks."tenantId", tasks."createdAt", t."jobStatus", t.handler, t."inputKind", t."rangeFrom", t."timeoutMs",
  t."maxAttempts", t."backoffBaseMs", t."backoffMaxMs", t.traceparent`);

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
  attempt: number;
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

/** Claims many tasks in one statement; answers per ref (null: stale, cancelled or done). */
export async function claimTasks(sql: Sql, refs: TaskRef[], workerId: string, leaseMs: number): Promise<(ClaimedTask | null)[]> {
  const rows = await sql.query<Omit<ClaimedTask, "n">>(
    CLAIM_SQL, [refs.map((r) => r.jobId),
    refs.map((r) => r.seq),
    refs.map((r) => r.admits),
    workerId,
    leaseMs]);
  const byKey = new Map(rows.map((r) => [`${r.jobId}.${r.seq}`, r]));
  const started = rows.filter((r) => r.jobStatus === "queued").map((r) => r.jobId);
  // Separate statement on purpose: holding task locks while waiting for a job row lock
  // would invert the jobs-before-tasks lock order that commits and cancels follow.
  if (started.length > 0) {
    await sql.exec(JOB_START_SQL, [[...new Set(started)]]);
  }
  return refs.map((r) => {
    const row = byKey.get(`${r.jobId}.${r.seq}`);
    if (!row) return null;
    return { ...row, n: row.pendingIdx.length > 0 ? row.pendingIdx.length : row.itemCount };
  });
}

export async function claimTask(sql: Sql, ref: TaskRef, workerId: string, leaseMs: number): Promise<ClaimedTask | null> {
  return (await claimTasks(sql, [ref], workerId, leaseMs))[0] ?? null;
}

/** Extends the leases of every task this worker still holds, in one statement. */
export async function renewLeases(sql: Sql, held: { jobId: string; seq: number; attempt: number }[], leaseMs: number): Promise<number> {
  if (held.length === 0) return 0;
  return sql.exec(RENEW_SQL, [held.map((h) => h.jobId),
    held.map((h) => h.seq),
    held.map((h) => h.attempt),
    leaseMs]);
}

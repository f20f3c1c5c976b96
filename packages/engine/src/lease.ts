import type { PrismaClient } from "@fanout/db";

/**
 * Claiming a task is the lease: status → running, attempt + 1 (the fencing token),
 * leaseUntil pushed forward. A BullMQ re-delivery after a crash may reclaim a running
 * task; the old holder's attempt no longer matches, so its commit is rejected.
 * The job's counters move in the same statement (queued → running; retries leave failed).
 */
const CLAIM_SQL = `
WITH t AS (
  SELECT t."jobId", t.seq, t.status AS prev, t.runs,
         CASE WHEN cardinality(t."pendingIdx") = 0 THEN t."itemCount" ELSE cardinality(t."pendingIdx") END AS n
  FROM tasks t JOIN jobs j ON j.id = t."jobId"
  WHERE t."jobId" = $1::uuid AND t.seq = $2 AND t.admits = $3
    AND t.status IN ('queued', 'running') AND j.status IN ('queued', 'running')
  FOR UPDATE OF t
), upd AS (
  UPDATE tasks SET status = 'running', attempt = tasks.attempt + 1, "workerId" = $4,
    "leaseUntil" = now() + make_interval(secs => $5::double precision / 1000),
    "startedAt" = COALESCE(tasks."startedAt", now())
  FROM t WHERE tasks."jobId" = t."jobId" AND tasks.seq = t.seq
  RETURNING tasks.attempt, tasks.items, tasks."firstIndex", tasks."itemCount", tasks."pendingIdx", tasks.runs, t.prev, t.n, tasks."createdAt"
), j AS (
  UPDATE jobs SET
    "itemsRunning" = "itemsRunning" + CASE WHEN upd.prev = 'queued' THEN upd.n ELSE 0 END,
    "itemsFailed" = "itemsFailed" - CASE WHEN upd.prev = 'queued' AND upd.runs > 0 THEN upd.n ELSE 0 END,
    status = CASE WHEN jobs.status = 'queued' THEN 'running'::"JobStatus" ELSE jobs.status END,
    "startedAt" = COALESCE(jobs."startedAt", now())
  FROM upd WHERE jobs.id = $1::uuid
  RETURNING jobs.handler, jobs."inputKind", jobs."rangeFrom", jobs."timeoutMs", jobs."maxAttempts",
            jobs."backoffBaseMs", jobs."backoffMaxMs", jobs."tenantId"
)
SELECT upd.*, j.* FROM upd, j`;

export interface ClaimedTask {
  jobId: string;
  seq: number;
  attempt: number;
  items: unknown[] | null;
  firstIndex: number;
  itemCount: number;
  pendingIdx: number[];
  runs: number;
  n: number;
  handler: string;
  inputKind: string;
  rangeFrom: bigint | null;
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  tenantId: string;
  createdAt: Date;
}

export async function claimTask(prisma: PrismaClient, ref: { jobId: string; seq: number; admits: number }, workerId: string, leaseMs: number): Promise<ClaimedTask | null> {
  const rows = await prisma.$queryRawUnsafe<Omit<ClaimedTask, "jobId" | "seq">[]>(CLAIM_SQL, ref.jobId, ref.seq, ref.admits, workerId, leaseMs);
  const row = rows[0];
  return row ? { ...row, jobId: ref.jobId, seq: ref.seq, n: Number(row.n) } : null;
}

/** Extends the leases of every task this worker still holds, in one statement. */
export async function renewLeases(prisma: PrismaClient, held: { jobId: string; seq: number; attempt: number }[], leaseMs: number): Promise<number> {
  if (held.length === 0) return 0;
  return prisma.$executeRawUnsafe(
    `UPDATE tasks SET "leaseUntil" = now() + make_interval(secs => $4::double precision / 1000)
     FROM unnest($1::uuid[], $2::int[], $3::int[]) AS h(j, s, a)
     WHERE tasks."jobId" = h.j AND tasks.seq = h.s AND tasks.attempt = h.a AND tasks.status = 'running'`,
    held.map((h) => h.jobId),
    held.map((h) => h.seq),
    held.map((h) => h.attempt),
    leaseMs,
  );
}

import type { Job } from "@fanout/db";
import type { Reducer } from "@fanout/validators";
import { prepared, type Sql } from "./sql";
import type { TaskSlice } from "./chunking";

/** Everything a new job row holds, in the column order of JOB_COLUMNS. */
export interface NewJob {
  tenantId: string;
  name: string;
  handler: string;
  pool: string;
  inputKind: "items" | "range";
  rangeFrom: bigint | null;
  rangeTo: bigint | null;
  totalItems: number;
  chunkSize: number;
  taskCount: number;
  priority: number;
  maxAttempts: number;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  orderingKey: string | null;
  labels: string;
  idempotencyKey: string | null;
  requestHash: string | null;
  callbackUrl: string | null;
  traceparent: string | null;
  reducer: Reducer;
}

export interface NewTasks {
  slices: TaskSlice[];
  items?: unknown[];
  orderingKeys: string[][];
}

export const JOB_COLUMNS = ["tenantId", "name", "handler", "pool", "inputKind", "rangeFrom", "rangeTo", "totalItems", "chunkSize", "taskCount", "priority", "maxAttempts", "timeoutMs", "backoffBaseMs", "backoffMaxMs", "orderingKey", "labels", "idempotencyKey", "requestHash", "callbackUrl", "traceparent", "reducer"] as const;
const CASTS: Record<string, string> = { tenantId: "::uuid", rangeFrom: "::bigint", rangeTo: "::bigint", labels: "::jsonb" };
const JOB_INSERT = `INSERT INTO jobs ("id", ${JOB_COLUMNS.map((c) => `"${c}"`).join(", ")})
  VALUES (gen_random_uuid(), ${JOB_COLUMNS.map((c, i) => `$${i + 1}${CASTS[c] ?? ""}`).join(", ")})
  ON CONFLICT ("tenantId", "idempotencyKey") DO NOTHING RETURNING *`;

/**
 * items, pendingIdx and orderingKeys of the task at ordinal s.ord, from two per-task JSON
 * arrays (either parameter null: no task has any). A range task's items entry is JSON null
 * and is stored as SQL NULL.
 */
export const taskItemsAndKeys = (items: string, keys: string) => `
  CASE WHEN ${items}::jsonb IS NULL THEN NULL ELSE NULLIF(${items}::jsonb -> (s.ord::int - 1), 'null'::jsonb) END, '{}'::int[],
  CASE WHEN ${keys}::jsonb IS NULL THEN '{}'::text[] ELSE ARRAY(SELECT jsonb_array_elements_text(${keys}::jsonb -> (s.ord::int - 1))) END`;

/** A task's own items out of its job's (null for a range job). */
export const sliceItems = (items: unknown[] | undefined, s: TaskSlice): unknown[] | null =>
  items ? items.slice(s.firstIndex, s.firstIndex + s.itemCount) : null;

/** Tasks of one job from a batch of slices: one multi-row INSERT, never a round trip per task. */
const tasksSelect = (job: string, p: number, from = "") => `
  SELECT ${job}, s.seq, $${p}::uuid, $${p + 1}::text, $${p + 2}::int, s.first, s.cnt, ${taskItemsAndKeys(`$${p + 6}`, `$${p + 7}`)}
  FROM ${from}unnest($${p + 3}::int[], $${p + 4}::int[], $${p + 5}::int[]) WITH ORDINALITY AS s(seq, first, cnt, ord)`;
export const TASK_COLUMNS = `"jobId", "seq", "tenantId", "pool", "priority", "firstIndex", "itemCount", "items", "pendingIdx", "orderingKeys"`;
const TASK_INSERT = `INSERT INTO tasks (${TASK_COLUMNS})`;

export const TASK_BATCH = 5000;

/**
 * The foothold: a tenant with nothing in flight and nothing else ready in the pool gets
 * its new job's first task admitted by the insert itself (the scheduler grants the same
 * foothold, a round later). $F: the lease to give it, or null to take none. The rules,
 * under a per-tenant-and-pool try-lock, live in the database function
 * `fanout_take_foothold` (prisma/migrations/*_foothold_function, restated with the live-worker
 * check of *_foothold_needs_offered_slots), which must be VOLATILE:
 * its checks need a snapshot taken after the lock, not the statement's.
 *
 * That lock serialises a foothold only with the same tenant's footholds in the pool, not
 * with the pool's admission rounds (admission.ts lockAdmission): under a flood the pool
 * lock made a quiet tenant's submit wait out whole rounds (bench scenario 4, p99 accepted
 * → added 20 ms). No round can grant this tenant anything the foothold then doubles: a
 * foothold needs the tenant to have nothing in flight and nothing pending in the pool, so
 * any round that has not seen the foothold's commit saw the tenant with nothing ready and
 * granted it nothing. What a round may miss is the pool bound, by at most one task per idle
 * tenant: the overshoot footholds are allowed anyway. A try-lock: a submit that finds
 * another of the tenant's submits taking a foothold takes none; waiting serialised a burst
 * of one tenant's submits behind each other's commits (40 ms a wait in bench scenario 5).
 */
const F = JOB_COLUMNS.length + 9;
const FOOTHOLD = `SELECT fanout_take_foothold($1::uuid, $4, $${F}::double precision) AS lease_ms WHERE $${F}::double precision IS NOT NULL`;

/** status, admits and "leaseUntil" of a new task: its job's first one is admitted when the foothold (fh) was taken. */
export const footholdTaskValues = (seq: string) => `
  CASE WHEN ${seq} = 0 AND fh.lease_ms IS NOT NULL THEN 'queued' ELSE 'pending' END::"TaskStatus",
  CASE WHEN ${seq} = 0 AND fh.lease_ms IS NOT NULL THEN 1 ELSE 0 END,
  CASE WHEN ${seq} = 0 AND fh.lease_ms IS NOT NULL THEN now() + make_interval(secs => fh.lease_ms / 1000) END`;

/** What the insert statements return per job: the row, and whether (and with what items) its foothold task was admitted. */
export type InsertedRow = Job & { footholdAdmitted: boolean; footholdItems: unknown[] | null };

const INSERT_ONE_STATEMENT = prepared("insert_job", `WITH j AS (${JOB_INSERT}), fh AS (${FOOTHOLD}),
  t AS (INSERT INTO tasks (${TASK_COLUMNS}, status, admits, "leaseUntil")
    SELECT x.*, ${footholdTaskValues("x.seq")}
    FROM (${tasksSelect("j.id", JOB_COLUMNS.length + 1, "j, ")}) x LEFT JOIN fh ON true
    RETURNING status, items)
  SELECT j.*, EXISTS (SELECT 1 FROM t WHERE t.status = 'queued') AS "footholdAdmitted",
    (SELECT items FROM t WHERE t.status = 'queued') AS "footholdItems" FROM j`);

function taskParams(job: NewJob, t: NewTasks, from: number): unknown[] {
  const batch = t.slices.slice(from, from + TASK_BATCH);
  const keys = t.orderingKeys.slice(from, from + TASK_BATCH);
  return [
    job.tenantId,
    job.pool,
    job.priority,
    batch.map((s) => s.seq),
    batch.map((s) => s.firstIndex),
    batch.map((s) => s.itemCount),
    t.items ? JSON.stringify(batch.map((s) => sliceItems(t.items, s))) : null,
    keys.some((k) => k.length > 0) ? JSON.stringify(keys) : null,
  ];
}

export interface Inserted {
  job: Job;
  /** The first task was admitted by the insert (admits = 1): enqueue it now. */
  footholdAdmitted: boolean;
  /**
   * That task's items as stored (jsonb: object keys reordered, as every read returns them),
   * for its snapshot (snapshot.ts); null for a range job.
   */
  footholdItems?: unknown[] | null;
}

/**
 * Inserts a job and its tasks atomically; null when the idempotency key already exists.
 * Jobs of up to TASK_BATCH tasks (nearly all) take one statement, a CTE, with no
 * interactive transaction; larger ones insert their tasks batch by batch in one (and
 * never take a foothold: at that size the scheduler's round is no delay worth saving).
 * `footholdLeaseMs`: see FOOTHOLD.
 */
export async function insertJob(sql: Sql, job: NewJob, tasks: NewTasks, footholdLeaseMs: number | null = null): Promise<Inserted | null> {
  const jobParams = JOB_COLUMNS.map((c) => job[c]);
  if (tasks.slices.length <= TASK_BATCH) {
    const [row] = await sql.query<InsertedRow>(INSERT_ONE_STATEMENT, [...jobParams, ...taskParams(job, tasks, 0), footholdLeaseMs]);
    if (!row) return null;
    const { footholdAdmitted, footholdItems, ...rest } = row;
    return { job: rest, footholdAdmitted, footholdItems };
  }
  return sql.transaction(async (tx) => {
    const [row] = await tx.query<Job>(JOB_INSERT, jobParams);
    if (!row) return null;
    for (let i = 0; i < tasks.slices.length; i += TASK_BATCH) {
      await tx.exec(`${TASK_INSERT} ${tasksSelect("$1::uuid", 2)}`, [row.id, ...taskParams(job, tasks, i)]);
    }
    return { job: row, footholdAdmitted: false };
  });
}

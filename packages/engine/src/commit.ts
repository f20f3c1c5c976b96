import { prepared, type Sql } from "./sql";
import { keyOf, type ClaimedTask } from "./lease";

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

export interface CommitEntry {
  task: ClaimedTask;
  result: TaskRunResult;
  retryDelayMs: number;
  /** When the worker called the handler (epoch ms, its clock): a lazy claim records it only now. */
  startedAt?: number;
}

export type CommitOutcome = { committed: false } | { committed: true; jobStatus: string };

/**
 * First-writer-wins, for a batch of task runs in one statement. A task row is updated
 * only while it is still running under the attempt its worker marked, or (lz: a lazy
 * claim, lease.ts) still queued under the attempt its worker read, and its job is
 * live (a cancelled job records nothing more); results,
 * failures, dead letters and job counters are written in the same statement, so they
 * exist exactly when the fenced update won. Job rows are locked first, in id order
 * (the one-time filter runs before any task row is touched): jobs before tasks is
 * the lock order of every statement that takes both, so batches cannot deadlock.
 *
 * The batch arrives as typed arrays, one per scalar field ($2-$14, unnested in step),
 * plus one jsonb ($15) holding only the entries that carry per-item lists (retries,
 * failures, a sparse success list). Converting a whole batch to jsonb cost Postgres about
 * 25 µs a task (jsonb_to_recordset of 24 fields, 300 bytes each; bench scenario 1: half
 * this statement's time); unnesting arrays costs about 1 µs.
 */
const COMMIT_SQL = prepared("commit", `
WITH u AS (
  SELECT * FROM unnest($2::uuid[], $3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::int[], $9::int[], $10::int[], $11::int[], $12::int[], $13::int[], $14::float8[])
    WITH ORDINALITY AS u(j, s, a, delay, err, outs, n, prev_runs, ok, nretry, ndead, lz, t0, o)
), lists AS (
  SELECT * FROM jsonb_to_recordset($15::jsonb) AS l(o int, retry int[], idx int[], fidx int[], ferr text[], ffp text[], didx int[], derr text[], dfp text[])
), e AS (
  SELECT u.j, u.s, u.a, CASE WHEN u.nretry = 0 THEN 'done' ELSE 'backoff' END AS st, COALESCE(l.retry, '{}') AS retry, u.delay, u.err,
    COALESCE(l.idx, '{}') AS idx, u.outs::jsonb AS outs, COALESCE(l.fidx, '{}') AS fidx, COALESCE(l.ferr, '{}') AS ferr, COALESCE(l.ffp, '{}') AS ffp,
    COALESCE(l.didx, '{}') AS didx, COALESCE(l.derr, '{}') AS derr, COALESCE(l.dfp, '{}') AS dfp,
    u.n, u.prev_runs, u.ok, u.nretry, u.ndead, CASE WHEN u.nretry = 0 THEN 1 ELSE 0 END AS done, u.lz, u.t0
  FROM u LEFT JOIN lists l ON l.o = u.o
), lockj AS (SELECT id FROM jobs WHERE id IN (SELECT j FROM e) ORDER BY id FOR UPDATE),
fenced AS (
  UPDATE tasks SET status = e.st::"TaskStatus", attempt = e.a, "workerId" = $1, "startedAt" = COALESCE(tasks."startedAt", to_timestamp(e.t0 / 1000), now()), runs = tasks.runs + 1, "pendingIdx" = e.retry,
    "runAfter" = CASE WHEN e.delay >= 0 THEN now() + make_interval(secs => e.delay::double precision / 1000) ELSE NULL END,
    "leaseUntil" = NULL, "lastError" = e.err, "finishedAt" = CASE WHEN e.st = 'done' THEN now() ELSE NULL END
  FROM e
  WHERE (SELECT count(*) FROM lockj) >= 0
    AND tasks."jobId" = e.j AND tasks.seq = e.s AND tasks.attempt = e.a - e.lz
    -- text: see lease.ts. A lazy run's task may have been paused back to pending: it finishes.
    AND (CASE WHEN e.lz = 1 THEN tasks.status::text IN ('queued', 'pending') ELSE tasks.status::text = 'running' END)
    AND EXISTS (SELECT 1 FROM jobs jj WHERE jj.id = e.j AND jj.status IN ('queued', 'running'))
  RETURNING tasks."jobId", tasks.seq, tasks."tenantId", tasks.runs
), fe AS (
  SELECT e.*, f."tenantId" AS tenant, f.runs AS new_runs FROM fenced f JOIN e ON e.j = f."jobId" AND e.s = f.seq
), res AS (
  INSERT INTO task_results ("jobId", seq, attempt, "tenantId", indexes, outputs)
  SELECT j, s, a, tenant, idx, outs FROM fe WHERE ok > 0
), fail AS (
  INSERT INTO item_failures ("tenantId", "jobId", seq, "itemIndex", attempt, error, fingerprint, "workerId")
  SELECT fe.tenant, fe.j, fe.s, x.idx, fe.new_runs, x.err, x.fp, $1
  FROM fe, unnest(fe.fidx, fe.ferr, fe.ffp) AS x(idx, err, fp)
), dead AS (
  INSERT INTO dead_letters ("jobId", "itemIndex", "tenantId", seq, attempts, error, fingerprint)
  SELECT fe.j, x.idx, fe.tenant, fe.s, fe.new_runs, x.err, x.fp
  FROM fe, unnest(fe.didx, fe.derr, fe.dfp) AS x(idx, err, fp)
  ON CONFLICT ("jobId", "itemIndex") DO UPDATE
    SET attempts = EXCLUDED.attempts, error = EXCLUDED.error, fingerprint = EXCLUDED.fingerprint, "createdAt" = now(), "discardedAt" = NULL
), agg AS (
  SELECT j, sum(ok)::int AS ok, sum(nretry - CASE WHEN prev_runs > 0 THEN n ELSE 0 END)::int AS dfailed,
         sum(ndead)::int AS ndead, sum(done)::int AS done, min(t0) AS t0
  FROM fe GROUP BY j
), job AS (
  UPDATE jobs SET
    "itemsSucceeded" = "itemsSucceeded" + agg.ok, "itemsFailed" = "itemsFailed" + agg.dfailed,
    "itemsDead" = "itemsDead" + agg.ndead, "tasksDone" = "tasksDone" + agg.done,
    status = CASE WHEN status IN ('queued', 'running') AND "tasksDone" + agg.done >= "taskCount"
                  THEN (CASE WHEN "itemsDead" + agg.ndead > 0 THEN 'failed' ELSE 'succeeded' END)::"JobStatus"
                  WHEN status = 'queued' THEN 'running'::"JobStatus" -- its first commit: no mark started it (lease.ts)
                  ELSE status END,
    "startedAt" = COALESCE("startedAt", to_timestamp(agg.t0 / 1000), now()),
    "finishedAt" = CASE WHEN status IN ('queued', 'running') AND "tasksDone" + agg.done >= "taskCount" THEN now() ELSE "finishedAt" END
  FROM agg WHERE jobs.id = agg.j
  RETURNING jobs.id, jobs.status, jobs."tenantId", jobs."callbackUrl"
), hook AS (
  INSERT INTO webhook_deliveries ("tenantId", "jobId", event, url)
  SELECT "tenantId", id, 'job.finished', "callbackUrl" FROM job
  WHERE "callbackUrl" IS NOT NULL AND status IN ('succeeded', 'failed')
  ON CONFLICT ("jobId", event) DO UPDATE SET "deliveredAt" = NULL, attempts = 0, "nextAttemptAt" = now(), "lastError" = NULL
)
SELECT fe.j AS "jobId", fe.s AS seq, job.status FROM fe JOIN job ON job.id = fe.j`);

// A cut through a surrogate pair (or a handler's own lone surrogate) would otherwise be
// serialised as "\ud83d", which jsonb refuses, failing the whole batch: U+FFFD instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const cut = (s: string) => s.slice(0, 2000).replace(LONE_SURROGATE, "\uFFFD");

type CommitRecord = ReturnType<typeof toRecord>;
/** The per-item lists: sent (as jsonb) only for the entries that have any. */
const LIST_KEYS = ["retry", "idx", "fidx", "ferr", "ffp", "didx", "derr", "dfp"] as const;

function toRecord({ task, result, retryDelayMs, startedAt }: CommitEntry) {
  const done = result.retry.length === 0;
  const failures = [...result.retry, ...result.dead].sort((a, b) => a.index - b.index);
  // A first run where every item succeeded stores its outputs densely: no index list.
  const dense = task.pendingIdx.length === 0 && result.indexes.length === task.itemCount;
  return {
    j: task.jobId,
    s: task.seq,
    a: task.attempt,
    retry: result.retry.map((f) => f.index - task.firstIndex),
    delay: done ? -1 : retryDelayMs,
    err: failures.length > 0 ? cut(failures[failures.length - 1]!.error) : null,
    idx: dense ? [] : result.indexes,
    outs: JSON.stringify(result.outputs),
    fidx: failures.map((f) => f.index),
    ferr: failures.map((f) => cut(f.error)),
    ffp: failures.map((f) => f.fingerprint),
    didx: result.dead.map((f) => f.index),
    derr: result.dead.map((f) => cut(f.error)),
    dfp: result.dead.map((f) => f.fingerprint),
    n: task.n,
    prev_runs: task.runs,
    ok: result.indexes.length,
    nretry: result.retry.length,
    ndead: result.dead.length,
    lz: task.lazy ? 1 : 0,
    t0: startedAt ?? null,
  };
}

/** COMMIT_SQL's parameters: a typed array per scalar field, and the per-item lists of the entries that have any. */
function toParams(workerId: string, records: CommitRecord[]): unknown[] {
  const col = <K extends keyof CommitRecord>(k: K) => records.map((r) => r[k]);
  // o: the entry's 1-based position, as unnest's WITH ORDINALITY numbers it.
  const lists = records.flatMap((r, i) => (LIST_KEYS.some((k) => r[k].length > 0) ? [{ o: i + 1, ...Object.fromEntries(LIST_KEYS.map((k) => [k, r[k]])) }] : []));
  return [workerId, col("j"), col("s"), col("a"), col("delay"), col("err"), col("outs"), col("n"), col("prev_runs"), col("ok"), col("nretry"), col("ndead"), col("lz"), col("t0"), JSON.stringify(lists)];
}

/**
 * A batch can hold one task twice (two deliveries of it reached this worker: a bundle and
 * the single re-added by the reconciler). Only the first is sent: the fence cannot tell
 * two runs under the same attempt apart, and both would insert the same result row.
 */
export async function commitTasks(sql: Sql, workerId: string, entries: CommitEntry[]): Promise<CommitOutcome[]> {
  const firsts = new Map<string, CommitEntry>();
  for (const e of entries) if (!firsts.has(keyOf(e.task))) firsts.set(keyOf(e.task), e);
  const rows = await sql.query<{ jobId: string; seq: number; status: string }>(COMMIT_SQL, toParams(workerId, [...firsts.values()].map(toRecord)));
  const won = new Map(rows.map((r) => [keyOf(r), r.status]));
  return entries.map((entry) => {
    const key = keyOf(entry.task);
    const status = firsts.get(key) === entry ? won.get(key) : undefined;
    return status === undefined ? { committed: false } : { committed: true, jobStatus: status };
  });
}

export async function commitTask(sql: Sql, task: ClaimedTask, workerId: string, result: TaskRunResult, retryDelayMs: number): Promise<CommitOutcome> {
  return (await commitTasks(sql, workerId, [{ task, result, retryDelayMs }]))[0]!;
}

// Per-job result reducers (BRIEF point 7, DESIGN §7). Outputs live one task_results row per
// committed task run, so a reduction is one aggregate over the job's rows (its primary-key
// prefix), computed in Postgres: no output travels to the API to be reduced.
//
// Finished jobs: the first read that finds a finished job without a stored reduction
// computes it and stores it on the job row (guarded, so a concurrent redrive wins), and every
// later read is O(1). Nothing on the workers' or scheduler's path changes: a finished job's
// rows never change again (commits are refused once the job is finished), so computing it at
// the first read gives every reader the same value as computing it at the finish would.
// Live jobs: a partial over the items succeeded so far, recomputed on request but memoised
// per job (live-cache.ts), since it costs O(succeeded items).
import type { Job } from "@fanout/db";
import type { Reducer } from "@fanout/validators";
import type { EngineContext } from "./context";
import { LiveCache } from "./live-cache";
import type { JobResult } from "./types";

/** collect inlines at most this many outputs / bytes; beyond, /results pages and streams them. */
export const COLLECT_MAX_ITEMS = 1_000;
export const COLLECT_MAX_BYTES = 64 * 1024;

/** What is stored in jobs.result (the job row already says the reducer, and stored = final). */
export interface Reduction {
  value: unknown;
  count: number;
  skipped: number;
  truncated: boolean;
}

/** SQL expressions naming the job whose rows are reduced (parameters or outer columns). */
interface JobRef {
  id: string;
  tenantId: string;
  chunkSize: string;
}

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
export const isTerminal = (status: string) => TERMINAL.has(status);

const rowsOf = (j: JobRef) => `task_results tr WHERE tr."jobId" = ${j.id} AND tr."tenantId" = ${j.tenantId}`;

/**
 * One scalar subquery yielding the reduction as jsonb. Only the succeeded items have outputs
 * (dead and pending ones have none), so "only succeeded items" needs no filter. A non-number
 * output (a string, null, an object) cannot be summed or ordered numerically and cannot be
 * refused after the handler ran, so sum/min/max leave it out and count it in `skipped`.
 * Numbers are reduced as numeric, so a sum is exact in Postgres.
 */
export function reductionSql(reducer: Reducer, j: JobRef): string {
  const outputs = `SELECT coalesce(sum(jsonb_array_length(tr.outputs)), 0)::bigint AS n FROM ${rowsOf(j)}`;
  if (reducer === "count") {
    return `SELECT jsonb_build_object('value', c.n, 'count', c.n, 'skipped', 0, 'truncated', false) FROM (${outputs}) c`;
  }
  if (reducer === "collect") {
    // Item order: a dense run (no index list) is its whole chunk from seq × chunkSize.
    const index = `CASE WHEN cardinality(tr.indexes) = 0 THEN tr.seq::bigint * ${j.chunkSize} + e.i - 1 ELSE tr.indexes[e.i::int] END`;
    const agg = `SELECT jsonb_agg(e.v ORDER BY ${index})
      FROM task_results tr CROSS JOIN LATERAL jsonb_array_elements(tr.outputs) WITH ORDINALITY AS e(v, i)
      WHERE tr."jobId" = ${j.id} AND tr."tenantId" = ${j.tenantId}`;
    // CASE runs the aggregate only under the cap: a large job costs one length sum, not a copy.
    return `SELECT jsonb_build_object('value', CASE WHEN b.big THEN NULL ELSE coalesce(b.agg, '[]'::jsonb) END,
        'count', b.n, 'skipped', 0, 'truncated', b.big)
      FROM (SELECT a.n, a.agg, (a.n > ${COLLECT_MAX_ITEMS} OR coalesce(octet_length(a.agg::text) > ${COLLECT_MAX_BYTES}, false)) AS big
            FROM (SELECT c.n, CASE WHEN c.n <= ${COLLECT_MAX_ITEMS} THEN (${agg}) END AS agg FROM (${outputs}) c) a) b`;
  }
  const fn = { sum: "coalesce(sum(x.n), 0)", min: "min(x.n)", max: "max(x.n)" }[reducer];
  return `SELECT jsonb_build_object('value', ${fn}, 'count', count(x.n), 'skipped', count(*) - count(x.n), 'truncated', false)
    FROM (SELECT CASE WHEN jsonb_typeof(e.v) = 'number' THEN e.v::numeric END AS n
          FROM task_results tr CROSS JOIN LATERAL jsonb_array_elements(tr.outputs) AS e(v)
          WHERE tr."jobId" = ${j.id} AND tr."tenantId" = ${j.tenantId}) x`;
}

const LIVE_SQL = (r: Reducer) => `SELECT (${reductionSql(r, { id: "$1::uuid", tenantId: "$2::uuid", chunkSize: "$3::int" })}) AS r`;

/**
 * Stores the reduction of a finished job once. The subquery runs only for a row that still
 * qualifies, and `finishedAt` must be the one the caller saw: a redrive (which clears
 * result) followed by a new finish between our read and this write stores nothing stale.
 */
const FINALIZE_SQL = (r: Reducer) => `UPDATE jobs SET result = (${reductionSql(r, { id: "jobs.id", tenantId: 'jobs."tenantId"', chunkSize: 'jobs."chunkSize"' })})
  WHERE jobs.id = $1::uuid AND jobs."tenantId" = $2::uuid AND jobs.status IN ('succeeded', 'failed', 'cancelled')
    AND jobs."finishedAt" = $3::timestamptz AND jobs.result IS NULL
  RETURNING jobs.result`;

export function toJobResult(reducer: Reducer, r: Reduction, final: boolean): JobResult {
  return { reducer, value: r.value ?? null, count: Number(r.count), skipped: Number(r.skipped), truncated: r.truncated === true, final };
}

type JobRow = Pick<Job, "id" | "tenantId" | "status" | "chunkSize" | "finishedAt" | "reducer" | "result">;

export interface Reductions {
  /** The job's reduction: stored (final), computed and stored (just finished), or a live partial. */
  forJob(job: JobRow): Promise<JobResult>;
}

export function createReductions(ctx: EngineContext): Reductions {
  const live = new LiveCache<Reduction>({
    onError: (err, jobId) => ctx.logger.warn({ err, jobId }, "live reduction refresh failed; serving the previous one"),
  });

  async function compute(job: JobRow): Promise<Reduction> {
    // Only collect orders by item index, so only it takes the chunk size ($3).
    const params = job.reducer === "collect" ? [job.id, job.tenantId, job.chunkSize] : [job.id, job.tenantId];
    const [row] = await ctx.sql.query<{ r: Reduction }>(LIVE_SQL(job.reducer), params);
    return row!.r;
  }

  async function finalize(job: JobRow): Promise<Reduction | null> {
    const [row] = await ctx.sql.query<{ result: Reduction }>(FINALIZE_SQL(job.reducer), [job.id, job.tenantId, job.finishedAt!.toISOString()]);
    if (row) return row.result;
    // Someone else stored it first, or a redrive reopened the job since we read it.
    const [now] = await ctx.sql.query<{ result: Reduction | null }>(`SELECT result FROM jobs WHERE id = $1::uuid AND "tenantId" = $2::uuid`, [job.id, job.tenantId]);
    return now?.result ?? null;
  }

  return {
    async forJob(job) {
      if (isTerminal(job.status) && job.finishedAt) {
        if (job.result !== null && typeof job.result === "object") return toJobResult(job.reducer, job.result as unknown as Reduction, true);
        live.delete(job.id);
        const stored = await finalize(job);
        if (stored) return toJobResult(job.reducer, stored, true);
      }
      return toJobResult(job.reducer, await live.get(job.id, () => compute(job)), false);
    },
  };
}

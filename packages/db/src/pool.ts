// `@fanout/db/pool`: the plain pg pool alone, so a process that needs no Prisma (the worker)
// never loads the generated client and its query compiler.
import pg from "pg";

/**
 * A plain `pg` pool for the engine's hot path. Prisma 7 spends ~0.6-0.8 ms of client
 * CPU per query (measured against pg's ~0.2 ms); claims, commits and admission run
 * thousands of statements a second, so they go straight to the driver.
 */
export interface PoolOptions {
  max?: number;
  /**
   * Commit without waiting for the WAL flush (synchronous_commit=off). For worker and
   * scheduler processes only: their writes (admit, claim, commit, lease) are redone by
   * the reconciler if a Postgres crash loses the last few hundred milliseconds of them,
   * and results are lost only together with the task state that recorded them, so nothing
   * is ever recorded twice. A flush costs ~1-5 ms on this disk, held under the job row's
   * lock by every commit. Accepting a job (the web process) stays fully durable.
   */
  asyncCommit?: boolean;
}

/**
 * plan_cache_mode=force_generic_plan: the engine's statements are prepared once per
 * connection (sql.ts), but Postgres re-plans a prepared statement on every call while it
 * guesses a custom plan is cheaper, and for the job insert (a CTE whose foothold branch a
 * parameter switches off) it always guessed so: 0.61 ms of backend CPU per submit, 0.30
 * with the generic plan (bench scenario 5, API alone: 1,259 → 1,636 req/s). Every hot
 * statement filters on literals for its partial indexes (status IN (...)), never on a
 * parameter, so a generic plan loses nothing there.
 */
export function createPool(databaseUrl: string, opts: PoolOptions = {}): pg.Pool {
  const options = `-c jit=off -c plan_cache_mode=force_generic_plan${opts.asyncCommit ? " -c synchronous_commit=off" : ""}`;
  const pool = new pg.Pool({ connectionString: databaseUrl, options, ...(opts.max !== undefined ? { max: opts.max } : {}) });
  // An idle connection the server closes (restart, a dropped test database) must not crash
  // the process; the pool discards it and the next checkout opens a fresh one.
  pool.on("error", () => {});
  return pool;
}

export type { Pool } from "pg";

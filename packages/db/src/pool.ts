// `@fanout/db/pool`: the plain pg pool alone, so a process that needs no Prisma (the worker)
// never loads the generated client and its query compiler.
import pg from "pg";

/**
 * A plain `pg` pool for the engine's hot path. Prisma 7 spends ~0.6-0.8 ms of client
 * CPU per query (measured against pg's ~0.2 ms); claims, commits and admission run
 * thousands of statements a second, so they go straight to the driver.
 */
export function createPool(databaseUrl: string, opts: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, options: "-c jit=off", ...(opts.max !== undefined ? { max: opts.max } : {}) });
  // An idle connection the server closes (restart, a dropped test database) must not crash
  // the process; the pool discards it and the next checkout opens a fresh one.
  pool.on("error", () => {});
  return pool;
}

export type { Pool } from "pg";

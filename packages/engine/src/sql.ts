import type { Pool, PrismaClient } from "@fanout/db";

/**
 * The engine's hot-path SQL executor: a `pg` pool when the process gives one (the
 * apps do), else Prisma's raw queries. Statements are the same either way; only the
 * client cost differs (see @fanout/db createPool).
 */
export interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  exec(text: string, params?: unknown[]): Promise<number>;
  /** Runs fn on one connection inside BEGIN/COMMIT (ROLLBACK on error). */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

// pg sends a JS bigint only as a string; Prisma accepts both.
const toPg = (params: unknown[] = []) => params.map((p) => (typeof p === "bigint" ? p.toString() : p));

type Queryable = { query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }> };

function onClient(c: Queryable): Omit<Sql, "transaction"> {
  return {
    query: async <T>(text: string, params?: unknown[]) => (await c.query(text, toPg(params))).rows as T[],
    exec: async (text, params) => (await c.query(text, toPg(params))).rowCount ?? 0,
  };
}

export function sqlFromPool(pool: Pool): Sql {
  return {
    ...onClient(pool),
    async transaction(fn) {
      const client = await pool.connect();
      const tx: Sql = { ...onClient(client), transaction: (inner) => inner(tx) };
      try {
        await client.query("BEGIN");
        const out = await fn(tx);
        await client.query("COMMIT");
        return out;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

export function sqlFromPrisma(prisma: PrismaClient): Sql {
  const on = (c: PrismaClient): Sql => ({
    query: <T>(text: string, params: unknown[] = []) => c.$queryRawUnsafe<T[]>(text, ...params),
    exec: (text, params = []) => c.$executeRawUnsafe(text, ...params),
    transaction: (fn) => c.$transaction((tx) => fn(on(tx as unknown as PrismaClient)), { timeout: 120_000, maxWait: 10_000 }),
  });
  return on(prisma);
}

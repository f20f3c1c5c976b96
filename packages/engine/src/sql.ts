import type { Pool, PrismaClient } from "@fanout/db";

/**
 * The engine's hot-path SQL executor: a `pg` pool when the process gives one (the
 * apps do), else Prisma's raw queries. Statements are the same either way; only the
 * client cost differs (see @fanout/db createPool).
 */
export interface Sql {
  query<T>(text: Statement, params?: unknown[]): Promise<T[]>;
  exec(text: Statement, params?: unknown[]): Promise<number>;
  /** Runs fn on one connection inside BEGIN/COMMIT (ROLLBACK on error). */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/**
 * A hot statement, prepared once per pg connection: Postgres then skips parsing and
 * analysing it on every call, and we stop sending kilobytes of SQL per batch. Only for
 * fixed texts (parameters vary, the text never does), so each connection holds a few.
 */
export interface Prepared {
  name: string;
  text: string;
}
export type Statement = string | Prepared;

export const prepared = (name: string, text: string): Prepared => ({ name: `fanout_${name}`, text });
const textOf = (s: Statement) => (typeof s === "string" ? s : s.text);

// pg sends a JS bigint only as a string; Prisma accepts both.
const toPg = (params: unknown[] = []) => params.map((p) => (typeof p === "bigint" ? p.toString() : p));

type Result = { rows: unknown[]; rowCount: number | null };
type Queryable = { query(config: { text: string; name?: string; values?: unknown[] }): Promise<Result> };

function onClient(c: Queryable): Omit<Sql, "transaction"> {
  const run = (s: Statement, params?: unknown[]) =>
    c.query(typeof s === "string" ? { text: s, values: toPg(params) } : { name: s.name, text: s.text, values: toPg(params) });
  return {
    query: async <T>(s: Statement, params?: unknown[]) => (await run(s, params)).rows as T[],
    exec: async (s, params) => (await run(s, params)).rowCount ?? 0,
  };
}

export function sqlFromPool(pool: Pool): Sql {
  return {
    ...onClient(pool),
    async transaction(fn) {
      const client = await pool.connect();
      const tx: Sql = { ...onClient(client), transaction: (inner) => inner(tx) };
      try {
        await client.query({ text: "BEGIN" });
        const out = await fn(tx);
        await client.query({ text: "COMMIT" });
        return out;
      } catch (err) {
        await client.query({ text: "ROLLBACK" }).catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

export function sqlFromPrisma(prisma: PrismaClient): Sql {
  const on = (c: PrismaClient): Sql => ({
    query: <T>(s: Statement, params: unknown[] = []) => c.$queryRawUnsafe<T[]>(textOf(s), ...params),
    exec: (s, params = []) => c.$executeRawUnsafe(textOf(s), ...params),
    transaction: (fn) => c.$transaction((tx) => fn(on(tx as unknown as PrismaClient)), { timeout: 120_000, maxWait: 10_000 }),
  });
  return on(prisma);
}

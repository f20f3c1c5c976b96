// Postgres execution time per statement over a measurement, from pg_stat_statements, when the
// server preloads it (shared_preload_libraries = 'pg_stat_statements'; Debian's default does
// not, and then this reports nothing). Deltas of one database's statements, so other
// databases on the shared server do not count.
import pg from "pg";
import { defer } from "./cleanup";

export interface StatementCost {
  statement: string;
  calls: number;
  execMs: number;
  rows: number;
}

type Row = { queryid: string; calls: string; ms: number; rows: string; q: string };

const SNAPSHOT = `SELECT queryid::text, calls::text, total_exec_time AS ms, rows::text, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS q
  FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND query NOT LIKE '%pg_stat_%'`;

/** Starts a measurement; stop() answers the top statements by execution time, or undefined when unavailable. */
export async function trackStatements(url: string, top = 6): Promise<{ stop(): Promise<StatementCost[] | undefined> }> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {});
  const close = defer("pg_stat_statements client", () => c.end().catch(() => {}));
  let before: Map<string, Row> | undefined;
  const snapshot = async () => new Map((await c.query<Row>(SNAPSHOT)).rows.map((r) => [r.queryid, r]));
  try {
    await c.connect();
    await c.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    before = await snapshot();
  } catch {
    before = undefined; // not preloaded: the view errors
  }
  return {
    async stop() {
      try {
        if (!before) return undefined;
        const after = await snapshot();
        return [...after.values()]
          .map((r) => {
            const b = before!.get(r.queryid);
            return { statement: r.q, calls: Number(r.calls) - Number(b?.calls ?? 0), execMs: r.ms - (b?.ms ?? 0), rows: Number(r.rows) - Number(b?.rows ?? 0) };
          })
          .filter((s) => s.calls > 0)
          .sort((a, b) => b.execMs - a.execMs)
          .slice(0, top);
      } catch {
        return undefined;
      } finally {
        await close();
      }
    },
  };
}

/** One line per statement: execution µs per unit of work (task, request), calls and rows. */
export function describeStatements(costs: StatementCost[] | undefined, units: number, unit: string): string[] {
  if (!costs) return ["pg_stat_statements is not loaded on this server: no per-statement times"];
  return costs.map((s) => `${((s.execMs * 1000) / units).toFixed(1)} µs/${unit} · ${s.calls} calls · ${s.rows} rows · ${s.statement}`);
}

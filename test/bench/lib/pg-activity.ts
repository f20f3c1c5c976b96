// A poor man's pg_stat_statements (not loaded on this server): samples pg_stat_activity of one
// database every few ms and counts which statements are active and what they wait on.
// Opt-in with --pg-activity; it adds ~100 small queries/s of its own.
import pg from "pg";
import { defer } from "./cleanup";

export interface ActiveStatement {
  statement: string;
  wait: string;
  /** Backends in this statement, averaged over samples (sums to the mean active backends). */
  busy: number;
}

export function samplePgActivity(url: string, everyMs = 10): { stop(): Promise<{ samples: number; meanActive: number; top: ActiveStatement[] }> } {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {});
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    await c.connect();
    while (!stopped) {
      const { rows } = await c.query<{ q: string; w: string }>(
        `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS q, coalesce(wait_event_type || ':' || wait_event, 'on CPU') AS w
         FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      samples++;
      for (const r of rows) counts.set(`${r.q}\u0000${r.w}`, (counts.get(`${r.q}\u0000${r.w}`) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })().catch(() => {});
  const close = defer("pg activity sampler", async () => {
    stopped = true;
    await loop;
    await c.end().catch(() => {});
  });
  return {
    async stop() {
      await close();
      const top = [...counts]
        .map(([k, n]) => ({ statement: k.split("\u0000")[0]!, wait: k.split("\u0000")[1]!, busy: n / Math.max(1, samples) }))
        .sort((a, b) => b.busy - a.busy);
      return { samples, meanActive: top.reduce((a, t) => a + t.busy, 0), top: top.slice(0, 12) };
    },
  };
}

export function printActivity(log: (m: string) => void, a: { meanActive: number; top: ActiveStatement[] }): void {
  log(`  Postgres: ${a.meanActive.toFixed(2)} backends active on average; top statements:`);
  for (const t of a.top.slice(0, 6)) log(`    ${t.busy.toFixed(2)}  [${t.wait}] ${t.statement}`);
}

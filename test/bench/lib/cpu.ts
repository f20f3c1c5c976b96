// CPU time spent by each part of the system during a measurement: utime + stime from
// /proc/<pid>/stat for our processes and for the Postgres backends serving one database
// (found through pg_stat_activity, polled so short-lived connections count too), and Redis's
// INFO cpu (the whole shared server).
import fs from "node:fs";
import pg from "pg";
import type { Redis } from "ioredis";
import { defer } from "./cleanup";

const TICK = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return undefined;
  }
}

async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return v("used_cpu_user") + v("used_cpu_sys");
}

export interface CpuGroups {
  [group: string]: number[];
}

/** Starts accounting; stop() returns CPU seconds per group (plus "postgres" and "redis" when asked). */
export async function trackCpu(groups: CpuGroups, opts: { dbUrl?: string; redis?: Redis } = {}): Promise<{ stop(): Promise<Record<string, number>> }> {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const pgPids = new Set<number>();
  const see = (pid: number, initial: boolean) => {
    const s = cpuSeconds(pid);
    if (s === undefined) return;
    if (!first.has(pid)) first.set(pid, initial ? s : 0); // a backend that appears later started after us
    last.set(pid, s);
  };
  for (const pids of Object.values(groups)) for (const p of pids) see(p, true);
  let client: pg.Client | undefined;
  const pollPg = async (initial: boolean) => {
    if (!client) return;
    const { rows } = await client.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    for (const r of rows) {
      pgPids.add(r.pid);
      see(r.pid, initial);
    }
  };
  if (opts.dbUrl) {
    client = new pg.Client({ connectionString: opts.dbUrl });
    client.on("error", () => {});
    await client.connect();
    defer("cpu tracker pg client", () => client!.end().catch(() => {}));
    await pollPg(true);
  }
  const redis0 = opts.redis ? await redisCpu(opts.redis) : 0;
  let polling = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(() => pollPg(false)).catch(() => {});
    for (const pids of Object.values(groups)) for (const p of pids) see(p, false);
  }, 250);
  return {
    async stop() {
      clearInterval(timer);
      await polling;
      await pollPg(false).catch(() => {});
      for (const pids of Object.values(groups)) for (const p of pids) see(p, false);
      const sum = (pids: Iterable<number>) => [...pids].reduce((a, p) => a + ((last.get(p) ?? 0) - (first.get(p) ?? 0)), 0);
      const out: Record<string, number> = {};
      for (const [g, pids] of Object.entries(groups)) out[g] = sum(pids);
      if (client) out.postgres = sum(pgPids);
      if (opts.redis) out.redis = (await redisCpu(opts.redis)) - redis0;
      return out;
    },
  };
}

/** CPU seconds per group → CPU ms per `per` units of work (a task, 1,000 tasks, a request). */
export function cpuMsPer(cpu: Record<string, number>, units: number, per = 1): Record<string, number> {
  return Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, (v * 1000 * per) / Math.max(1, units)]));
}

// Redis helpers for benchmarks on the shared Redis: never FLUSH, delete only our own prefix
// (SCAN + UNLINK, not KEYS), and read memory and command statistics as deltas.
import { Redis } from "ioredis";
import { defer } from "./cleanup";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A client that is disconnected by the enclosing cleanup scope. */
export function redisClient(): Redis {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  defer("redis client", () => r.disconnect());
  return r;
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}

/** Registers deletion of every key under prefix (its own connection, so it works late). */
export function deletePrefixOnCleanup(prefix: string): void {
  defer(`redis keys ${prefix}:*`, async () => {
    const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      await deletePrefix(r, prefix);
    } finally {
      r.disconnect();
    }
  });
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

/** Samples used_memory every `everyMs` (one request at a time); stop() gives the peak. */
export function sampleRedisMemory(redis: Redis, everyMs = 50): { stop(): Promise<{ peak: number; samples: number }> } {
  let peak = 0;
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t = Date.now();
      const v = await usedMemory(redis).catch(() => NaN);
      if (Number.isFinite(v)) {
        peak = Math.max(peak, v);
        samples++;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - t))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { peak, samples };
    },
  };
}

export type CommandStats = Map<string, { calls: number; usec: number }>;

export async function commandStats(redis: Redis): Promise<CommandStats> {
  const info = await redis.info("commandstats");
  const m: CommandStats = new Map();
  for (const line of info.split("\n")) {
    const r = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (r) m.set(r[1]!, { calls: Number(r[2]), usec: Number(r[3]) });
  }
  return m;
}

/** Commands by calls between two snapshots (whole server: other users of the Redis count too). */
export function commandDelta(before: CommandStats, after: CommandStats, top = 12): { cmd: string; calls: number; usec: number }[] {
  const out: { cmd: string; calls: number; usec: number }[] = [];
  for (const [cmd, a] of after) {
    const b = before.get(cmd) ?? { calls: 0, usec: 0 };
    if (a.calls > b.calls) out.push({ cmd, calls: a.calls - b.calls, usec: a.usec - b.usec });
  }
  return out.sort((x, y) => y.calls - x.calls).slice(0, top);
}

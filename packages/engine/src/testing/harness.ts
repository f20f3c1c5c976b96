// Test support: a fresh database, a unique Redis prefix and an engine per test file.
import { randomUUID } from "node:crypto";
import { createPool, type Pool } from "@fanout/db";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { Redis } from "ioredis";
import { createEngine, type Engine, type EngineOptions } from "../engine";
import { sqlFromPool, type Sql } from "../sql";
import type { Logger } from "../types";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {}, child: () => quiet };

/** A logger that keeps what it is told at info level and above, for a failing test to show. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string, bound: object) => (obj: object, msg?: string) => {
    const { err, ...rest } = { ...bound, ...obj } as { err?: unknown };
    lines.push(`${level} ${msg ?? ""} ${JSON.stringify(rest)}${err ? ` err=${err instanceof Error ? err.message : String(err)}` : ""}`);
  };
  const make = (bound: object): Logger => ({ info: at("info", bound), warn: at("warn", bound), error: at("error", bound), debug() {}, child: (b) => make({ ...bound, ...b }) });
  return Object.assign(make({}), { lines });
}

export interface Harness {
  db: TestDatabase;
  redis: Redis;
  prefix: string;
  engine: Engine;
  /** The engine's hot-path SQL executor (a pg pool on the test database). */
  sql: Sql;
  pool: Pool;
  newTenant(weight?: number, extra?: Record<string, number>): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness({ logger = quiet, ...opts }: EngineOptions & { redisUrl?: string; logger?: Logger } = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const redis = new Redis(opts.redisUrl ?? REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = opts.prefix ?? `fot-${randomUUID().slice(0, 8)}`;
  const pool = createPool(db.url, { max: 5 });
  const engine = createEngine({ prisma: db.prisma, redis, logger, pool }, { leaseMs: 2000, ...opts, prefix });
  return {
    db,
    redis,
    prefix,
    engine,
    pool,
    sql: sqlFromPool(pool),
    async newTenant(weight = 1, extra = {}) {
      const slug = `t-${randomUUID().slice(0, 8)}`;
      const t = await db.prisma.tenant.create({ data: { slug, name: slug } });
      await db.prisma.quota.create({ data: { tenantId: t.id, weight, maxConcurrent: 1000, ...extra } });
      return t.id;
    },
    async close() {
      await engine.close();
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      redis.disconnect();
      await pool.end();
      await db.drop();
    },
  };
}

/** A worker that looks alive to admission in `pool` but takes nothing: admitted tasks stay queued. */
export async function phantomWorker(h: Pick<Harness, "sql">, pool: string): Promise<void> {
  await h.sql.exec(
    `INSERT INTO worker_heartbeats (id, pool, host, pid, concurrency, running, "lastSeenAt") VALUES ($1, $2, 'test', 0, 8, 0, now())`,
    [`phantom-${pool}`, pool],
  );
}

export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000, stepMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const isFinished = (j: { status: string }) => ["succeeded", "failed", "cancelled"].includes(j.status);

/**
 * Every recorded success of a job, one entry per output stored (a dense run stores no
 * index list: its outputs are the whole chunk in order). Used to prove "exactly once".
 */
export async function recordedIndexes(h: Harness, jobId: string): Promise<number[]> {
  const job = await h.db.prisma.job.findUniqueOrThrow({ where: { id: jobId }, select: { chunkSize: true } });
  const rows = await h.db.prisma.taskResult.findMany({ where: { jobId }, select: { seq: true, indexes: true, outputs: true } });
  return rows.flatMap((r) => (r.indexes.length > 0 ? r.indexes : (r.outputs as unknown[]).map((_, i) => r.seq * job.chunkSize + i)));
}

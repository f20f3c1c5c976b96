// A Fanout deployment for one benchmark run: a fresh migrated database, a unique Redis prefix,
// an in-process engine that submits like the API does, and a cluster of real processes
// (apps/scheduler and apps/worker bundled and run by plain node, as `npm start` runs them).
// Everything is undone by the cleanup scope.
import { randomBytes, randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { createPool } from "@fanout/db";
import { createEngine, type Engine } from "@fanout/engine";
import { createJobSchema } from "@fanout/validators";
import pg from "pg";
import type { Redis } from "ioredis";
import { bundleApp } from "../../../scripts/lib/bundle.mjs";
import { defer } from "./cleanup";
import { spawnManaged, type Proc } from "./procs";
import { deletePrefixOnCleanup, redisClient, REDIS_URL } from "./redis";
import { sleep } from "./stats";

const quiet = { info() {}, warn() {}, debug() {}, error: (o: object, m?: string) => console.error("[bench engine]", m, o) };

export interface JobTimes {
  status: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  itemsSucceeded: number;
  totalItems: number;
}

export interface FanoutEnv {
  db: TestDatabase;
  prefix: string;
  redis: Redis;
  engine: Engine;
  /** A tenant with this weight; maxConcurrent 1000 unless overridden (the default 64 caps one tenant below the cluster's 200 slots). */
  newTenant(weight?: number, quota?: Record<string, number>): Promise<string>;
  submit(tenantId: string, input: Record<string, unknown>): Promise<string>;
  job(jobId: string): Promise<JobTimes>;
  waitFinished(jobId: string, timeoutMs: number, everyMs?: number): Promise<JobTimes>;
  /** Closes the submitting engine's pool, so its backends flush their statistics. */
  closeEngine(): Promise<void>;
}

export async function fanoutEnv(): Promise<FanoutEnv> {
  const db = await createTestDatabase({ max: 4 });
  defer(`drop database ${db.name}`, () => db.drop());
  const prefix = `fob-${randomUUID().slice(0, 8)}`;
  deletePrefixOnCleanup(prefix);
  const redis = redisClient();
  const pool = createPool(db.url, { max: 4 });
  const engine = createEngine({ prisma: db.prisma, redis, logger: quiet, pool }, { prefix });
  const closeEngine = defer("bench engine", async () => {
    await engine.close();
    await pool.end();
  });
  const env: FanoutEnv = {
    db,
    prefix,
    redis,
    engine,
    async newTenant(weight = 1, quota = {}) {
      const slug = `bench-${randomUUID().slice(0, 8)}`;
      const t = await db.prisma.tenant.create({ data: { slug, name: slug } });
      await db.prisma.quota.create({ data: { tenantId: t.id, weight, maxConcurrent: 1000, ...quota } });
      return t.id;
    },
    async submit(tenantId, input) {
      const { job } = await engine.submitJob(tenantId, createJobSchema.parse(input));
      return job.id;
    },
    async job(jobId) {
      const [r] = await db.prisma.$queryRawUnsafe<JobTimes[]>(
        `SELECT status::text, extract(epoch FROM "createdAt") * 1000 AS "createdAt", extract(epoch FROM "startedAt") * 1000 AS "startedAt",
                extract(epoch FROM "finishedAt") * 1000 AS "finishedAt", "itemsSucceeded", "totalItems"
         FROM jobs WHERE id = $1::uuid`,
        jobId,
      );
      if (!r) throw new Error(`job ${jobId} not found`);
      const num = (v: unknown) => (v === null ? null : Number(v));
      return { ...r, createdAt: Number(r.createdAt), startedAt: num(r.startedAt), finishedAt: num(r.finishedAt), itemsSucceeded: Number(r.itemsSucceeded), totalItems: Number(r.totalItems) };
    },
    async waitFinished(jobId, timeoutMs, everyMs = 50) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const j = await env.job(jobId);
        if (["succeeded", "failed", "cancelled"].includes(j.status)) return j;
        if (Date.now() > end) throw new Error(`job ${jobId} not finished within ${timeoutMs / 1000} s (status ${j.status}, ${j.itemsSucceeded}/${j.totalItems} items)`);
        await sleep(everyMs);
      }
    },
    async closeEngine() {
      await closeEngine();
      await db.prisma.$disconnect();
    },
  };
  return env;
}

export interface ClusterOptions {
  workers: number;
  /** Per worker process. */
  concurrency: number;
  /** Directory for V8 CPU profiles of the cluster processes (written when they exit). */
  cpuProfDir?: string;
}

export interface Cluster {
  workers: Proc[];
  scheduler: Proc;
  stop(): Promise<void>;
}

/**
 * Starts W workers and the scheduler at once. The scheduler sizes admission from the workers'
 * heartbeats, read when it starts and then every second: if it was up before the last worker,
 * wait for that refresh.
 */
// Bundled once per bench invocation, so every run of every scenario measures the same code.
let bundles: Promise<[string, string]> | undefined;

/** Exploration only: `SCHEDULER_INFLIGHT_PER_SLOT=4` or `SCHEDULER_MIN_ROUND_GAP_MS=3 npm run bench` passes it to the scheduler (the results' notes say so). */
const schedulerOverrides = () =>
  Object.fromEntries(["SCHEDULER_INFLIGHT_PER_SLOT", "SCHEDULER_MIN_ROUND_GAP_MS"].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));

/** Exploration: BENCH_METRICS_PORT_BASE=9600 serves /metrics on 9600 (scheduler) and 9600 + i (worker i), to scrape mid-run. */
const metricsPort = (i: number): Record<string, string> => (process.env.BENCH_METRICS_PORT_BASE ? { METRICS_PORT: String(Number(process.env.BENCH_METRICS_PORT_BASE) + i) } : {});

export async function startCluster(env: FanoutEnv, opts: ClusterOptions): Promise<Cluster> {
  bundles ??= Promise.all([bundleApp("worker"), bundleApp("scheduler")]);
  const [workerMain, schedulerMain] = await bundles;
  const tag = env.prefix.slice(4);
  // Production mode wants a FANOUT_SECRET_KEY (webhook secrets at rest): a throwaway one per cluster.
  const secret = randomBytes(32).toString("base64url");
  const common = { DATABASE_URL: env.db.url, REDIS_URL, FANOUT_QUEUE_PREFIX: env.prefix, NODE_ENV: "production", LOG_LEVEL: "info", FANOUT_SECRET_KEY: secret };
  const workers: Proc[] = [];
  for (let i = 1; i <= opts.workers; i++) {
    workers.push(
      spawnManaged(`worker-${i}-${tag}`, workerMain, {
        profileDir: opts.cpuProfDir,
        env: { ...common, WORKER_CONCURRENCY: String(opts.concurrency), WORKER_ID: `bench-w${i}-${tag}`, ...metricsPort(i) },
      }),
    );
  }
  const scheduler = spawnManaged(`scheduler-${tag}`, schedulerMain, { profileDir: opts.cpuProfDir, env: { ...common, SCHEDULER_ID: `bench-s-${tag}`, ...schedulerOverrides(), ...metricsPort(0) } });
  const ready = (p: Proc, re: RegExp) => p.waitForLine(re).then(() => Date.now());
  const [schedAt, ...workerAt] = await Promise.all([ready(scheduler, /"scheduler started"/), ...workers.map((w) => ready(w, /"worker started"/))]);
  if (schedAt! <= Math.max(...workerAt)) await sleep(1100);
  return {
    workers,
    scheduler,
    async stop() {
      await Promise.all([scheduler, ...workers].map((p) => p.stop()));
    },
  };
}

export interface RowStats {
  /** n_tup_ins + n_tup_upd per table. */
  tables: Record<string, number>;
  total: number;
  commits: number;
}

/** Rows written and transactions committed so far in this database (pg_stat_*; flushed by backends at most once a second or on exit). */
export async function rowStats(url: string): Promise<RowStats> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ relname: string; n: string }>(`SELECT relname, (n_tup_ins + n_tup_upd)::text AS n FROM pg_stat_user_tables`);
    const { rows: db } = await c.query<{ xact_commit: string }>(`SELECT xact_commit::text FROM pg_stat_database WHERE datname = current_database()`);
    const tables = Object.fromEntries(rows.map((r) => [r.relname, Number(r.n)]));
    return { tables, total: Object.values(tables).reduce((a, b) => a + b, 0), commits: Number(db[0]?.xact_commit ?? 0) };
  } finally {
    await c.end();
  }
}

export function rowDelta(before: RowStats, after: RowStats): RowStats {
  const tables: Record<string, number> = {};
  for (const [t, n] of Object.entries(after.tables)) if (n - (before.tables[t] ?? 0) > 0) tables[t] = n - (before.tables[t] ?? 0);
  return { tables, total: after.total - before.total, commits: after.commits - before.commits };
}

/** Reads rowStats until two reads 300 ms apart agree (backends that just exited flush late). */
export async function settledRowStats(url: string): Promise<RowStats> {
  let prev = await rowStats(url);
  for (let i = 0; i < 20; i++) {
    await sleep(300);
    const next = await rowStats(url);
    if (next.total === prev.total) return next;
    prev = next;
  }
  return prev;
}

/** Start latency (job accepted → first task started) of each job, both Postgres timestamps, in ms. */
export async function startLatencies(env: FanoutEnv, jobIds: string[]): Promise<number[]> {
  const rows = await env.db.prisma.$queryRawUnsafe<{ ms: number }[]>(
    `SELECT (extract(epoch FROM min(t."startedAt")) - extract(epoch FROM j."createdAt")) * 1000 AS ms
     FROM jobs j JOIN tasks t ON t."jobId" = j.id WHERE j.id = ANY($1::uuid[]) GROUP BY j.id, j."createdAt"`,
    jobIds,
  );
  return rows.map((r) => Number(r.ms));
}

// Scenario 1: no-op throughput with one item per task. Fanout: one job of N single-item tasks
// (chunkSize 1, handler noop) run by 1 scheduler + W worker processes; raw BullMQ: addBulk of N
// jobs and one Worker process with the same total concurrency. With the default single worker
// process, Fanout runs once more with the same slots split over two (its own row, no target). Both are timed from the first
// submit/add call to the last completion, with their workers already running and idle. Each side
// runs the job twice on the same processes: the first is the cold row, the second (warm) the target's.
import { scoped } from "./lib/cleanup";
import { startBaseline } from "./lib/bullmq";
import { fanoutEnv, rowDelta, rowStats, settledRowStats, startCluster } from "./lib/fanout";
import { cpuMsPer, trackCpu } from "./lib/cpu";
import { printActivity, samplePgActivity } from "./lib/pg-activity";
import { describeStatements, trackStatements } from "./lib/pg-statements";
import { commandDelta, commandStats, redisClient } from "./lib/redis";
import { fmt, sleep } from "./lib/stats";
import { ge, type BenchContext, type Metric, type Scenario } from "./lib/types";

/** CPU seconds per group → CPU ms per 1,000 tasks. */
const perK = (cpu: Record<string, number>, n: number) => cpuMsPer(cpu, n, 1000);

async function baselineRun(n: number, concurrency: number) {
  const b = await startBaseline(concurrency);
  await sleep(200);
  const timed = async (name: string) => {
    const done = await b.expect(name, n);
    const t0 = Date.now();
    await b.addMany(name, n);
    return n / (((await done()) - t0) / 1000);
  };
  // The first job after start-up pays for JIT compilation and new connections: the cold row.
  const coldRate = await timed("cold");
  const redis = redisClient();
  const cmdBefore = await commandStats(redis);
  const cpu = await trackCpu({ worker: [b.worker.pid], runner: [process.pid] }, { redis });
  const rate = await timed("noop");
  const cpuS = await cpu.stop();
  const cmd = commandDelta(cmdBefore, await commandStats(redis));
  return { rate, coldRate, redisCalls: cmd.reduce((a, c) => a + c.calls, 0) / n, commands: cmd, cpuMsPer1k: perK(cpuS, n) };
}

/** Worker processes × tasks each: the same total slots, split differently. */
interface Shape {
  workers: number;
  concurrency: number;
}

async function fanoutRun(ctx: BenchContext, n: number, shape: Shape) {
  const env = await fanoutEnv();
  const tenant = await env.newTenant();
  // Profiles only of the default shape: both would write worker-1-* files into one folder.
  const cluster = await startCluster(env, { ...shape, cpuProfDir: shape.workers === ctx.workers ? ctx.cpuProfDir : undefined });
  await sleep(300);
  // Rows and commits are counted over both jobs (÷ 2N): a live backend may hold its
  // statistics for seconds, so a reading between the jobs would mix them.
  const before = await rowStats(env.db.url);
  const submit = () => env.submit(tenant, { name: "throughput", handler: "noop", input: { range: { from: 0, to: n } }, chunkSize: 1 });
  // Cold: the first job on freshly started processes and a new, never-analysed database.
  const c0 = Date.now();
  const cold = await env.waitFinished(await submit(), 15 * 60_000, 20);
  const coldRate = n / ((cold.finishedAt! - c0) / 1000);
  const cmdBefore = await commandStats(env.redis);
  const act = ctx.pgActivity ? samplePgActivity(env.db.url) : undefined;
  const statements = await trackStatements(env.db.url);
  const cpu = await trackCpu({ workers: cluster.workers.map((w) => w.pid), scheduler: [cluster.scheduler.pid], runner: [process.pid] }, { dbUrl: env.db.url, redis: env.redis });
  const t0 = Date.now();
  const job = await env.waitFinished(await submit(), 15 * 60_000, 20);
  const cpuS = await cpu.stop();
  const pgStatements = describeStatements(await statements.stop(), n, "task");
  const pgActivity = await act?.stop();
  if (pgActivity) printActivity(ctx.log, pgActivity);
  const cmd = commandDelta(cmdBefore, await commandStats(env.redis));
  if (job.status !== "succeeded" || job.itemsSucceeded !== n) throw new Error(`job ended ${job.status} with ${job.itemsSucceeded}/${n} items`);
  // Stop everything that wrote so every backend flushes its statistics before we read them.
  await cluster.stop();
  await env.closeEngine();
  const rows = rowDelta(before, await settledRowStats(env.db.url));
  return {
    rate: n / ((job.finishedAt! - t0) / 1000),
    coldRate,
    coldSubmitToStartMs: cold.startedAt! - c0,
    submitToStartMs: job.startedAt! - t0,
    rowsPerTask: rows.total / (2 * n),
    commitsPerTask: rows.commits / (2 * n),
    rowsByTable: rows.tables,
    redisCalls: cmd.reduce((a, c) => a + c.calls, 0) / n,
    commands: cmd,
    cpuMsPer1k: perK(cpuS, n),
    pgStatements,
    pgActivity,
  };
}

export const throughput: Scenario = {
  id: 1,
  key: "throughput",
  title: "No-op throughput, one item per task",
  async run(ctx, res) {
    const n = ctx.quick ? 3000 : 20_000;
    const slots = ctx.workers * ctx.concurrency;
    // The same slots over two worker processes, measured alongside (no target): each process
    // batches its own claims and commits, so two halve the batches and double the statements.
    // Not under --quick, which must stay short.
    const split: Shape | undefined = !ctx.quick && ctx.workers === 1 && slots % 2 === 0 ? { workers: 2, concurrency: slots / 2 } : undefined;
    const rate: Metric = { name: "tasks/s (warm: the second job on the same processes)", unit: "", decimals: 0, fanout: [], baseline: [], ratio: [], target: { on: "ratio", ...ge(0.5, "≥ 0.5×") } };
    const splitRate: Metric | undefined = split && { name: `tasks/s, the same ${slots} slots as ${split.workers} worker processes × ${split.concurrency}`, unit: "", decimals: 0, fanout: [], baseline: [], ratio: [] };
    const coldRate: Metric = { name: "tasks/s (cold: the first job after start-up, on a new database)", unit: "", decimals: 0, fanout: [], baseline: [], ratio: [] };
    const rows: Metric = { name: "Postgres rows written per task", unit: "", decimals: 1, fanout: [] };
    const commits: Metric = { name: "Postgres commits per task", unit: "", decimals: 1, fanout: [] };
    const redis: Metric = { name: "Redis commands per task (server-wide)", unit: "", decimals: 1, fanout: [], baseline: [] };
    const cpuRow = (what: string, baseline: boolean): Metric => ({ name: `CPU per 1,000 tasks: ${what}`, unit: "ms", decimals: 0, fanout: [], ...(baseline ? { baseline: [] } : {}) });
    const cpu = { workers: cpuRow("worker processes", true), scheduler: cpuRow("scheduler", false), postgres: cpuRow("Postgres backends", false), redis: cpuRow("Redis server (shared)", true) };
    // The split row last: the rows, commits, Redis and CPU rows describe the default shape.
    res.metrics.push(rate, coldRate, rows, commits, redis, cpu.workers, cpu.scheduler, cpu.postgres, cpu.redis, ...(splitRate ? [splitRate] : []));
    res.notes.push(
      `N = ${n.toLocaleString("en-US")} tasks per run. Fanout: one range job with chunkSize 1 (N tasks), 1 scheduler + ${ctx.workers} worker process(es) × concurrency ${ctx.concurrency} (by default one process, the baseline's shape)${split ? `, and again with the same slots as ${split.workers} processes × ${split.concurrency} (its own row, no target)` : ""}, tenant maxConcurrent 1000; timed from submitJob to the job's finishedAt. Baseline: raw BullMQ 6 addBulk (batches of 5,000) + one Worker process, concurrency ${slots}, no-op processor, removeOnComplete; timed from the first addBulk to the N-th "completed".`,
      "Each side runs two jobs of N on the same freshly started processes, one after the other. The first (the cold row) pays for start-up: JIT compilation, new connections and, for Fanout, a new database whose tables have never been analysed. The second (the warm row, which the target is judged on, as a long-running cluster is warm) is the one the other rows describe. Before 2026-12-03 20:20 UTC only the cold job ran.",
      "Rows written = pg_stat_user_tables n_tup_ins + n_tup_upd on the run's own database over both jobs ÷ 2N (rowsByTable in the details covers both), read after every process that wrote to it exited (so their statistics were flushed); commits = pg_stat_database xact_commit. Redis commands are INFO commandstats deltas of the whole shared server, so other users' traffic inflates them.",
      "CPU per 1,000 tasks = utime + stime (/proc/<pid>/stat) over the timed window: the worker processes (baseline: the BullMQ worker process), the scheduler, the Postgres backends serving the run's database, and Redis (INFO cpu, whole shared server). On a 2-core machine these share the cores, so their sum bounds tasks/s.",
      "Per-statement Postgres execution time per task (pg_stat_statements deltas on the run's database, when the server preloads it) is in each run's details (pgStatements) and the console log.",
    );
    ctx.shared.bullRate = rate.baseline;
    for (let i = 1; i <= ctx.runs; i++) {
      const b = await scoped(() => baselineRun(n, slots));
      const f = await scoped(() => fanoutRun(ctx, n, { workers: ctx.workers, concurrency: ctx.concurrency }));
      const fSplit = split && (await scoped(() => fanoutRun(ctx, n, split)));
      if (fSplit && splitRate) {
        splitRate.fanout.push(fSplit.rate);
        splitRate.baseline!.push(b.rate);
        splitRate.ratio!.push(fSplit.rate / b.rate);
      }
      coldRate.fanout.push(f.coldRate);
      coldRate.baseline!.push(b.coldRate);
      coldRate.ratio!.push(f.coldRate / b.coldRate);
      rate.baseline!.push(b.rate);
      rate.fanout.push(f.rate);
      rate.ratio!.push(f.rate / b.rate);
      rows.fanout.push(f.rowsPerTask);
      commits.fanout.push(f.commitsPerTask);
      redis.fanout.push(f.redisCalls);
      redis.baseline!.push(b.redisCalls);
      cpu.workers.fanout.push(f.cpuMsPer1k.workers!);
      cpu.workers.baseline!.push(b.cpuMsPer1k.worker!);
      cpu.scheduler.fanout.push(f.cpuMsPer1k.scheduler!);
      cpu.postgres.fanout.push(f.cpuMsPer1k.postgres!);
      cpu.redis.fanout.push(f.cpuMsPer1k.redis!);
      cpu.redis.baseline!.push(b.cpuMsPer1k.redis!);
      res.details.push({ run: i, fanout: { shape: { workers: ctx.workers, concurrency: ctx.concurrency }, ...f }, baseline: b, ...(fSplit ? { fanoutSplit: { shape: split, ...fSplit } } : {}) });
      ctx.log(`run ${i}: warm: Fanout ${fmt(f.rate, 0)} tasks/s, BullMQ ${fmt(b.rate, 0)} jobs/s, ratio ${(f.rate / b.rate).toFixed(2)}; cold: Fanout ${fmt(f.coldRate, 0)}, BullMQ ${fmt(b.coldRate, 0)}, ratio ${(f.coldRate / b.coldRate).toFixed(2)}; ${f.rowsPerTask.toFixed(1)} rows and ${f.commitsPerTask.toFixed(1)} commits per task`);
      if (fSplit && split) ctx.log(`  as ${split.workers} × ${split.concurrency}: Fanout ${fmt(fSplit.rate, 0)} tasks/s, ratio ${(fSplit.rate / b.rate).toFixed(2)}; CPU ms per 1,000 tasks: workers ${fmt(fSplit.cpuMsPer1k.workers!, 0)}, scheduler ${fmt(fSplit.cpuMsPer1k.scheduler!, 0)}, postgres ${fmt(fSplit.cpuMsPer1k.postgres!, 0)}`);
      for (const line of f.pgStatements) ctx.log(`  postgres: ${line}`);
    }
  },
};

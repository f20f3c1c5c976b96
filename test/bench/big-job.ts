// Scenario 2: one 1,000,000-item no-op range job, accepted → finished with results recorded.
// Items/s against raw BullMQ's one-job-per-item rate (scenario 1's baseline when it ran in this
// invocation, else measured here the same way), peak Redis memory (INFO used_memory every
// 50 ms minus the value before), Postgres rows written and peak worker RSS.
import { scoped } from "./lib/cleanup";
import { startBaseline } from "./lib/bullmq";
import { fanoutEnv, rowDelta, rowStats, settledRowStats, startCluster } from "./lib/fanout";
import { printActivity, samplePgActivity } from "./lib/pg-activity";
import { sampleRss } from "./lib/procs";
import { commandDelta, commandStats, sampleRedisMemory, usedMemory } from "./lib/redis";
import { fmt, sleep } from "./lib/stats";
import { ge, lt, type BenchContext, type Metric, type Scenario } from "./lib/types";

const MB = 1024 * 1024;

async function bullRate(ctx: BenchContext, n: number): Promise<number> {
  const b = await startBaseline(ctx.workers * ctx.concurrency);
  await sleep(200);
  const done = await b.expect("noop", n);
  const t0 = Date.now();
  await b.addMany("noop", n);
  return n / (((await done()) - t0) / 1000);
}

async function fanoutRun(ctx: BenchContext, items: number) {
  const env = await fanoutEnv();
  const tenant = await env.newTenant();
  const cluster = await startCluster(env, { workers: ctx.workers, concurrency: ctx.concurrency, cpuProfDir: ctx.cpuProfDir });
  await sleep(300);
  const rows0 = await rowStats(env.db.url);
  const cmd0 = await commandStats(env.redis);
  const idle = [...sampleRss(cluster.workers.map((w) => w.pid)).stop().values()];
  const rss = sampleRss(cluster.workers.map((w) => w.pid));
  const mem0 = await usedMemory(env.redis);
  const mem = sampleRedisMemory(env.redis, 50);
  const act = ctx.pgActivity ? samplePgActivity(env.db.url) : undefined;
  const jobId = await env.submit(tenant, { name: "big-job", handler: "noop", input: { range: { from: 0, to: items } } });
  const job = await env.waitFinished(jobId, 30 * 60_000, 50);
  const { peak, samples } = await mem.stop();
  const pgActivity = await act?.stop();
  if (pgActivity) printActivity(ctx.log, pgActivity);
  const rssPeak = [...rss.stop().values()];
  const cmd = commandDelta(cmd0, await commandStats(env.redis));
  // "Results recorded": every task has one result row holding an output per item (the
  // engine may store indexes densely, so count outputs), and the results API reads them back.
  const [rec] = await env.db.prisma.$queryRawUnsafe<{ outputs: number; complete: number; tasks: number; chunk: number }[]>(
    `SELECT coalesce(sum(r.n), 0)::int AS outputs, count(*) FILTER (WHERE r.n = t."itemCount")::int AS complete,
            (SELECT "taskCount" FROM jobs WHERE id = $1::uuid) AS tasks, (SELECT "chunkSize" FROM jobs WHERE id = $1::uuid) AS chunk
     FROM tasks t LEFT JOIN (SELECT seq, sum(jsonb_array_length(outputs)) AS n FROM task_results WHERE "jobId" = $1::uuid GROUP BY seq) r ON r.seq = t.seq
     WHERE t."jobId" = $1::uuid`,
    jobId,
  );
  const page = await env.engine.getResults(tenant, jobId, { limit: 10 });
  const firstOk = page.data.length === 10 && page.data.every((r, i) => r.index === i && r.status === "succeeded");
  if (job.status !== "succeeded" || rec!.outputs !== items || rec!.complete !== rec!.tasks || !firstOk) {
    throw new Error(`job ended ${job.status}; ${rec!.outputs} of ${items} outputs recorded, ${rec!.complete}/${rec!.tasks} tasks complete, first results page ${firstOk ? "ok" : "wrong"}`);
  }
  await cluster.stop();
  await env.closeEngine();
  const rows = rowDelta(rows0, await settledRowStats(env.db.url));
  return {
    itemsPerSec: items / ((job.finishedAt! - job.createdAt) / 1000),
    seconds: (job.finishedAt! - job.createdAt) / 1000,
    tasks: rec!.tasks,
    chunkSize: rec!.chunk,
    redisPeakMB: (peak - mem0) / MB,
    redisSamples: samples,
    rows: rows.total,
    rowsByTable: rows.tables,
    commits: rows.commits,
    workerRssMB: rssPeak.map((b) => b / MB),
    idleWorkerRssMB: idle.map((b) => b / MB),
    commands: cmd,
    pgActivity,
  };
}

export const bigJob: Scenario = {
  id: 2,
  key: "big-job",
  title: "1M-item no-op range job",
  async run(ctx, res) {
    const items = ctx.quick ? 200_000 : 1_000_000;
    const bullN = ctx.quick ? 3000 : 20_000;
    const rate: Metric = { name: "items/s (accepted → finished)", unit: "", decimals: 0, fanout: [], baseline: [], ratio: [], target: { on: "ratio", ...ge(5, "≥ 5×") } };
    const redis: Metric = { name: "peak Redis memory above before", unit: "MB", decimals: 1, fanout: [], target: { on: "fanout", ...lt(100, "< 100 MB") } };
    const rss: Metric = { name: "peak worker RSS (largest process; baseline: same process idle)", unit: "MB", decimals: 0, fanout: [], baseline: [], target: { on: "fanout", ...lt(250, "< 250 MB") } };
    const rows: Metric = { name: "Postgres rows written", unit: "", decimals: 0, fanout: [] };
    res.metrics.push(rate, redis, rss, rows);
    const reuse = ctx.shared.bullRate?.length ? ctx.shared.bullRate : undefined;
    res.notes.push(
      `${items.toLocaleString("en-US")} items, chunk size chosen by Fanout, same cluster shape as scenario 1; items/s from the job's createdAt to finishedAt (Postgres timestamps); the run checks every index has exactly one recorded output.`,
      reuse
        ? "Baseline: raw BullMQ's one-job-per-item rate measured in scenario 1 of this invocation, run for run."
        : `Baseline: raw BullMQ's one-job-per-item rate (${bullN.toLocaleString("en-US")} no-op jobs, as in scenario 1), measured in each run because scenario 1 did not run.`,
      "Redis memory is the shared server's used_memory, so other users' keys move it too; rows written = n_tup_ins + n_tup_upd on the run's own database after its writers exited. RSS is VmRSS of the worker processes (node apps/worker/dist/main.mjs, bundled as npm start runs them) sampled every 50 ms; its baseline column is the same process's RSS idle just before the job.",
    );
    for (let i = 1; i <= ctx.runs; i++) {
      const base = reuse?.[(i - 1) % reuse.length] ?? (await scoped(() => bullRate(ctx, bullN)));
      const f = await scoped(() => fanoutRun(ctx, items));
      rate.fanout.push(f.itemsPerSec);
      rate.baseline!.push(base);
      rate.ratio!.push(f.itemsPerSec / base);
      redis.fanout.push(f.redisPeakMB);
      rss.fanout.push(Math.max(...f.workerRssMB));
      rss.baseline!.push(Math.max(...f.idleWorkerRssMB));
      rows.fanout.push(f.rows);
      res.details.push({ run: i, baselineJobsPerSec: base, fanout: f });
      ctx.log(
        `run ${i}: ${fmt(f.itemsPerSec, 0)} items/s in ${f.seconds.toFixed(1)} s (${f.tasks} tasks of ${f.chunkSize}), ${(f.itemsPerSec / base).toFixed(1)}× BullMQ's ${fmt(base, 0)}/s; Redis +${f.redisPeakMB.toFixed(1)} MB; worker RSS ${f.workerRssMB.map((m) => m.toFixed(0)).join("/")} MB (idle ${f.idleWorkerRssMB.map((m) => m.toFixed(0)).join("/")}); ${fmt(f.rows, 0)} rows`,
      );
    }
  },
};

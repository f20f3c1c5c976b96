// Scenario 5: POST /api/v1/jobs (10 items) against the real Next.js app, booted the way
// `npm start` boots it (scripts/start.mjs: migrated + seeded database, web + scheduler +
// workers) on a fresh database, queue prefix and port. autocannon measures sustained
// requests/s and p99; baseline: the same load against a trivial Node http server.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { buildWeb, freePort, generate, setupDatabase, startSystem } from "../../scripts/start.mjs";
import { createDatabase, deleteRedisKeys, dropDatabase, ensureServices } from "../../scripts/services.mjs";
import { Supervisor } from "../../scripts/lib/procs.mjs";
import { defer, scoped } from "./lib/cleanup";
import { LOG_DIR, PROFILE_PRELOAD, ROOT, spawnManaged } from "./lib/procs";
import { cpuMsPer, trackCpu } from "./lib/cpu";
import { describeStatements, trackStatements } from "./lib/pg-statements";
import { redisClient } from "./lib/redis";
import { fmt, sleep } from "./lib/stats";
import { ge, le, type BenchContext, type Metric, type Scenario } from "./lib/types";

const CONNECTIONS = 20;
const BODY = JSON.stringify({ handler: "noop", input: { items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] } });
const SUBMIT_RATE = 1_000_000;
const MAX_QUEUED = 1_000_000_000;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  other: number;
  errors: number;
  statuses: Record<string, number>;
}

async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Load> {
  const r = await autocannon({ url, method: "POST", headers: { "content-type": "application/json", ...headers }, body: BODY, connections: CONNECTIONS, duration: seconds });
  const statuses = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, (s as { count: number }).count]));
  return { rps: r["2xx"] / r.duration, p50: r.latency.p50, p99: r.latency.p99, ok: r["2xx"], other: r.non2xx, errors: r.errors + r.timeouts, statuses };
}

/** Pids of other processes whose cwd is apps/web and whose command line matches re. */
function othersInWeb(re: RegExp): number[] {
  const web = path.join(ROOT, "apps/web");
  return fs.readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
    try {
      return re.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ")) && fs.readlinkSync(`/proc/${pid}/cwd`) === web;
    } catch {
      return false;
    }
  }).map(Number);
}

/**
 * Others build and serve apps/web/.next in this checkout too (e2e setup, npm start). Wait for a
 * `next build` of theirs to finish; and rebuild only when no other server runs from .next,
 * because a rebuild under a running web server breaks it. /api/v1 itself runs from source
 * (apps/web/server.ts under tsx), so a stale build never changes this scenario's figures.
 */
async function prepareBuild(ctx: BenchContext, sup: Supervisor, notes: string[]): Promise<void> {
  for (let waited = 0; othersInWeb(/next-build|next(\.js)? build/).length; waited += 2) {
    if (waited === 0) ctx.log("waiting for a `next build` someone else started in apps/web to finish…");
    if (waited > 900) throw new Error("another next build in apps/web has been running for 15 minutes");
    await new Promise((r) => setTimeout(r, 2000));
  }
  const built = fs.existsSync(path.join(ROOT, "apps/web/.next/BUILD_ID"));
  if (built && ctx.quick && !ctx.rebuild) {
    notes.push("--quick reused the existing web build without checking it is current (a full run rebuilds when sources changed).");
  } else if (built && !ctx.rebuild && othersInWeb(/next-server|next(\.js)? start|web\/server\.ts/).length) {
    notes.push("Reused the existing web build without checking it is current: another `next start` was serving from apps/web/.next, and rebuilding under it would break it.");
  } else {
    await buildWeb(sup, { force: ctx.rebuild });
  }
}

/** Boots web + scheduler + workers like `npm start`; returns the base URL and the demo API key. */
export async function bootSystem(ctx: BenchContext, res: { notes: string[] }) {
  const sup = new Supervisor({ logDir: path.join(LOG_DIR, "api"), echo: "problems" });
  defer("stop build", () => sup.stopAll());
  const services = await ensureServices({ createDb: false, log: (m: string) => ctx.log(`[services] ${m}`) });
  if (!fs.existsSync(path.join(ROOT, "packages/db/src/generated/prisma/client.ts"))) await generate(sup);
  await prepareBuild(ctx, sup, res.notes);
  const id = crypto.randomBytes(4).toString("hex");
  const db = new URL(services.databaseUrl);
  db.pathname = `/fanout_bench_${id}`;
  const databaseUrl = db.toString();
  const queuePrefix = `fanout_bench_${id}`;
  await createDatabase(databaseUrl);
  defer(`drop database fanout_bench_${id}`, () => dropDatabase(databaseUrl));
  defer(`redis keys *${queuePrefix}*`, () => deleteRedisKeys(services.redisUrl, `*${queuePrefix}*`));
  defer("stop web, scheduler and workers", () => sup.stopAll());
  const creds = await setupDatabase(sup, databaseUrl);
  const c = new pg.Client({ connectionString: databaseUrl });
  c.on("error", () => {}); // the database is dropped with FORCE at cleanup
  await c.connect();
  defer("pg client", () => c.end());
  // The API-alone pass leaves every job it accepts queued: the backlog quota must not refuse them.
  await c.query(`UPDATE quotas SET "submitRatePerSec" = $1::float8, "submitBurst" = $1::int, "maxQueuedItems" = $2::bigint`, [SUBMIT_RATE, MAX_QUEUED]);
  const jobsCount = async () => Number((await c.query(`SELECT count(*)::int AS n FROM jobs`)).rows[0].n);
  const liveJobs = async () => Number((await c.query(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued', 'running')`)).rows[0].n);
  const port = await freePort();
  let crashed = "";
  const onCrash = (name: string, code: number) => {
    crashed ||= `${name} exited (${code}):\n${sup.tail(name)}`;
    void sup.stopAll(); // ends startSystem's health wait at once
  };
  // Profiles of web, scheduler and workers, written when they exit at cleanup.
  const env = ctx.cpuProfDir ? { NODE_OPTIONS: `--require ${PROFILE_PRELOAD}`, BENCH_CPU_PROF_DIR: path.join(ctx.cpuProfDir, "api") } : {};
  let baseURL: string;
  try {
    ({ baseURL } = await startSystem(sup, { port, databaseUrl, redisUrl: services.redisUrl, queuePrefix, workers: ctx.apiWorkers, env, onCrash }));
  } catch (err) {
    throw crashed ? new Error(crashed) : err;
  }
  const pid = (name: string) => sup.children.get(name)?.child.pid as number;
  const cluster = [...sup.children.keys()].filter((n) => n === "scheduler" || n.startsWith("worker-"));
  /** SIGSTOP/SIGCONT the scheduler and workers (their process groups): the API tier alone. */
  const signalCluster = (sig: NodeJS.Signals) => cluster.forEach((n) => process.kill(-pid(n), sig));
  return { baseURL, apiKey: creds.apiKey as string, databaseUrl, jobsCount, liveJobs, crashed: () => crashed, webPid: pid("web"), clusterPids: cluster.map(pid), signalCluster };
}

const CPU_ROWS = [
  ["web", "web process"],
  ["postgres", "Postgres backends"],
  ["cluster", "scheduler + workers"],
  ["redis", "Redis server (shared)"],
] as const;

export const api: Scenario = {
  id: 5,
  key: "api",
  title: "API: POST /api/v1/jobs with 10 items",
  async run(ctx, res) {
    const seconds = ctx.quick ? 5 : 10;
    const metric = (name: string, unit: string, decimals: number, target?: Metric["target"]): Metric => ({ name, unit, decimals, fanout: [], baseline: [], ratio: [], ...(target ? { target } : {}) });
    const ALONE = "API tier alone (scheduler and workers paused)";
    const BUSY = "scheduler and workers executing the jobs on the same cores";
    const rps = metric(`requests/s (2xx), ${ALONE}`, "", 0, { on: "fanout", ...ge(1500, "≥ 1,500 req/s") });
    const p99 = metric(`latency p99, ${ALONE}`, "ms", 1, { on: "fanout", ...le(50, "≤ 50 ms") });
    const p50 = metric(`latency p50, ${ALONE}`, "ms", 1);
    const rpsBusy = metric(`requests/s (2xx), ${BUSY}`, "", 0, { on: "fanout", ...ge(1500, "≥ 1,500 req/s") });
    const p99Busy = metric(`latency p99, ${BUSY}`, "ms", 1, { on: "fanout", ...le(50, "≤ 50 ms") });
    const p50Busy = metric(`latency p50, ${BUSY}`, "ms", 1);
    const cpuRows = (pass: string) => CPU_ROWS.map(([key, label]) => [key, { name: `CPU per request, ${pass}: ${label} (ms)`, unit: "", decimals: 2, fanout: [] as number[] }] as const);
    const cpuAlone = cpuRows("API alone");
    const cpuBusy = cpuRows("cluster executing");
    res.metrics.push(rps, p99, p50, rpsBusy, p99Busy, p50Busy, ...cpuAlone.map(([, m]) => m), ...cpuBusy.map(([, m]) => m));
    res.notes.push(
      `autocannon 8, ${CONNECTIONS} connections, ${seconds} s per run after a warm-up, body ${BODY.length} bytes (noop, 10 inline items), Authorization: Bearer <demo API key>. The app runs as npm start runs it (apps/web/server.ts: /api/v1 straight to the REST handler, the rest through Next; NODE_ENV=production) with 1 scheduler and ${ctx.apiWorkers} worker process(es), on a fresh database. Two passes per run: with the scheduler and workers executing every submitted job meanwhile on the same 2 cores (each 10-item job is admitted, claimed, run, committed and finished while the load runs), and the API tier alone (scheduler and workers SIGSTOPped, as when they run on other machines; jobs are accepted durably and wait; before each such run the cluster is resumed until it has finished every job the previous run accepted). The demo tenant's submit-rate quota is raised to ${SUBMIT_RATE.toLocaleString("en-US")}/s (burst ${SUBMIT_RATE.toLocaleString("en-US")}) and its max queued items to ${MAX_QUEUED.toLocaleString("en-US")} for this scenario; the defaults (50/s) would answer 429. Only 2xx answers count towards requests/s. Baseline: the same load against a trivial Node http server (parse JSON, answer 201) in its own process, measured before each pass's run.`,
      `CPU per request = utime + stime over the load window ÷ 2xx answers: the web process, the Postgres backends serving the run's database, the scheduler and worker processes, and Redis (INFO cpu, whole shared server). Per-statement Postgres execution time per request (pg_stat_statements, when the server preloads it) is in each run's details and the console log.`,
    );
    const sys = await bootSystem(ctx, res);
    const base = spawnManaged("http-baseline", "test/bench/http-baseline.ts", { ipc: true });
    const { port } = await base.request<{ port: number }>("ready");
    const redis = redisClient();
    const auth = { authorization: `Bearer ${sys.apiKey}` };
    const jobsUrl = `${sys.baseURL.replace("localhost", "127.0.0.1")}/api/v1/jobs`;
    const baseUrl = `http://127.0.0.1:${port}/api/v1/jobs`;
    const probe = await fetch(jobsUrl, { method: "POST", headers: { "content-type": "application/json", ...auth }, body: BODY });
    if (probe.status !== 201) throw new Error(`POST /api/v1/jobs answered ${probe.status}: ${(await probe.text()).slice(0, 300)}`);
    await load(jobsUrl, auth, 3); // warm-up: Next compiles routes and fills its pools on first use
    await load(baseUrl, {}, 1);

    const pass = async (i: number, label: string, m: { rps: Metric; p99: Metric; p50: Metric }, cpuOut: typeof cpuAlone) => {
      const before = await sys.jobsCount();
      const b = await scoped(() => load(baseUrl, {}, seconds));
      const statements = await trackStatements(sys.databaseUrl);
      const cpu = await trackCpu({ web: [sys.webPid], cluster: sys.clusterPids }, { dbUrl: sys.databaseUrl, redis });
      const f = await scoped(() => load(jobsUrl, auth, seconds));
      const perReq = cpuMsPer(await cpu.stop(), f.ok);
      const pgStatements = describeStatements(await statements.stop(), f.ok, "request");
      const created = (await sys.jobsCount()) - before;
      if (sys.crashed()) throw new Error(sys.crashed());
      m.rps.fanout.push(f.rps);
      m.rps.baseline!.push(b.rps);
      m.rps.ratio!.push(f.rps / b.rps);
      m.p99.fanout.push(f.p99);
      m.p99.baseline!.push(b.p99);
      m.p99.ratio!.push(f.p99 / Math.max(b.p99, 0.5));
      m.p50.fanout.push(f.p50);
      m.p50.baseline!.push(b.p50);
      m.p50.ratio!.push(f.p50 / Math.max(b.p50, 0.5));
      for (const [key, row] of cpuOut) row.fanout.push(perReq[key] ?? 0);
      res.details.push({ run: i, pass: label, fanout: { ...f, jobsCreated: created, cpuMsPerRequest: perReq, pgStatements }, baseline: b });
      const cpuText = CPU_ROWS.map(([k]) => `${k} ${fmt(perReq[k] ?? 0, 2)}`).join(", ");
      ctx.log(`run ${i} (${label}): Fanout ${fmt(f.rps, 0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms (${f.ok} × 2xx, ${f.other} other, ${f.errors} errors; ${created} jobs stored; CPU ms/request: ${cpuText}); trivial server ${fmt(b.rps, 0)} req/s, p99 ${b.p99} ms`);
      for (const line of pgStatements) ctx.log(`  postgres: ${line}`);
      if (f.other || f.errors) res.notes.push(`Run ${i} (${label}): ${f.other} non-2xx answers (${JSON.stringify(f.statuses)}) and ${f.errors} errors/timeouts.`);
    };
    // The executing passes first: the API-alone passes leave their jobs waiting.
    for (let i = 1; i <= ctx.runs; i++) await pass(i, "cluster executing", { rps: rpsBusy, p99: p99Busy, p50: p50Busy }, cpuBusy);
    sys.signalCluster("SIGSTOP");
    defer("resume scheduler and workers", () => sys.signalCluster("SIGCONT"));
    await load(jobsUrl, auth, 2); // the web process alone, warmed
    for (let i = 1; i <= ctx.runs; i++) {
      // Every API-alone run starts from an empty backlog, as the first would: the cluster
      // works off what the last run accepted (15,000+ jobs) before it is paused again.
      // Left to pile up, each run inserted into a bigger table and index than the last.
      sys.signalCluster("SIGCONT");
      for (let waited = 0; (await sys.liveJobs()) > 0; waited += 500) {
        if (waited > 300_000) throw new Error("the cluster did not work off the API-alone backlog within 5 minutes");
        await sleep(500);
      }
      sys.signalCluster("SIGSTOP");
      await pass(i, "API alone", { rps, p99, p50 }, cpuAlone);
    }
  },
};

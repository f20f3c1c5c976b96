// Design points 4, 5, 6, 7 and 8 as properties: random sequences of submits, cancels,
// redrives, quota changes and worker crashes (kill(): heartbeats and BullMQ stop at once,
// running handlers go on as zombies whose late commits fencing must reject) never
//  (a) record an item twice, or both as succeeded and dead;
//  (b) let a job's counters disagree with its items (sampled while running; exact at the end);
//  (c) let a tenant have more tasks running than its maxConcurrent quota.
// Jobs use noop, echo and fail (failTimes -1..2), plus sleep so that crashes catch handlers
// mid-run. Each run gets fresh tenants in one shared database, against one scheduler and two
// workers that crashes replace. Replay a failure with FC_SEED=<seed> FC_PATH=<path> (printed by fast-check).
import fc from "fast-check";
import { FanoutError, type CreateJobInput } from "@fanout/validators";
import { afterAll, beforeAll, it } from "vitest";
import { createHarness, type Harness } from "./testing/harness";
import { createEngine, type Engine, type WorkerHandle } from "./engine";
import type { JobView, Logger, ResultRow } from "./types";

const LEASE_MS = 500; // crashed work comes back within ~1 s (lapse + reconciler period)
const SLOTS = 4;
const NUM_RUNS = Number(process.env.FC_RUNS ?? 15);
// (c) and quota changes. The engine never pre-empts: tasks admitted under the old value stay
// in flight (queued or running, or requeued after a crash) until their run ends, so "a sample
// or two" of slack would be wrong (samples are ~40 ms apart, a task runs up to 1.6 s) and a
// fixed time window either flakes under load or hides bugs. Instead the check follows the
// engine's own rule: a round admits only while in-flight < quota, so after a change to q
//     running ≤ in-flight ≤ max(q, tasks admitted before the change still in flight).
// Those "old" tasks are every task seen in flight until SETTLE_MS after the update commits
// (the round already under way when it committed may still admit under the old value; it
// finishes well within SETTLE_MS); during the settle window the bound is max(old bound, q).
// A task stays "old" while it is in flight with the same completed-run count (a requeue after
// a crash keeps it; a finished run sends it back through admission, under the new value).
const SETTLE_MS = 1_000;
const QUIET_MS = 30_000; // every job settles in a few seconds even on a loaded machine

type Submit =
  | { kind: "submit"; tenant: number; handler: "noop" | "echo"; size: number; chunkSize: number }
  | { kind: "submit"; tenant: number; handler: "sleep"; size: number; ms: number; chunkSize: number }
  | { kind: "submit"; tenant: number; handler: "fail"; failTimes: number[]; maxAttempts: number; chunkSize: number };
type Action =
  | Submit
  | { kind: "cancel"; job: number }
  | { kind: "redrive"; job: number }
  | { kind: "quota"; tenant: number; weight: number; maxConcurrent: number }
  | { kind: "crash" }
  | { kind: "wait"; ms: number };

/** One line per action, so a shrunk counterexample reads like a script. */
function describe(a: Action): string {
  switch (a.kind) {
    case "submit": {
      const what = a.handler === "fail" ? `fail ${JSON.stringify(a.failTimes)} maxAttempts ${a.maxAttempts}` : a.handler === "sleep" ? `sleep ${a.ms}ms ×${a.size}` : `${a.handler} ×${a.size}`;
      return `submit(tenant ${a.tenant}: ${what}, chunk ${a.chunkSize})`;
    }
    case "quota": return `quota(tenant ${a.tenant}: weight ${a.weight}, maxConcurrent ${a.maxConcurrent})`;
    case "wait": return `wait(${a.ms}ms)`;
    case "crash": return "crash(busiest worker)";
    default: return `${a.kind}(job ${a.job})`;
  }
}
const readable = <T extends object>(arb: fc.Arbitrary<T>, show: (v: T) => string) => arb.map((v) => Object.assign(v, { [fc.toStringMethod]: () => show(v) }));

const tenantIx = fc.nat({ max: 2 });
const chunkSize = fc.integer({ min: 1, max: 4 });
const rec = <T,>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) => fc.record(model, { noNullPrototype: true });
const action: fc.Arbitrary<Action> = readable<Action>(fc.oneof(
  { weight: 5, arbitrary: fc.oneof(
    rec({ kind: fc.constant("submit" as const), tenant: tenantIx, handler: fc.constantFrom("noop" as const, "echo" as const), size: fc.integer({ min: 1, max: 16 }), chunkSize }),
    rec({ kind: fc.constant("submit" as const), tenant: tenantIx, handler: fc.constant("sleep" as const), size: fc.integer({ min: 1, max: 16 }), ms: fc.integer({ min: 100, max: 400 }), chunkSize }),
    rec({ kind: fc.constant("submit" as const), tenant: tenantIx, handler: fc.constant("fail" as const), failTimes: fc.array(fc.constantFrom(-1, 0, 1, 2), { minLength: 1, maxLength: 8 }), maxAttempts: fc.integer({ min: 1, max: 3 }), chunkSize }),
  ) },
  { weight: 1, arbitrary: rec({ kind: fc.constant("cancel" as const), job: fc.nat({ max: 20 }) }) },
  { weight: 2, arbitrary: rec({ kind: fc.constant("redrive" as const), job: fc.nat({ max: 20 }) }) },
  { weight: 2, arbitrary: rec({ kind: fc.constant("quota" as const), tenant: tenantIx, weight: fc.integer({ min: 1, max: 3 }), maxConcurrent: fc.integer({ min: 1, max: 8 }) }) },
  { weight: 2, arbitrary: rec({ kind: fc.constant("crash" as const) }) },
  { weight: 3, arbitrary: rec({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 400 }) }) },
), describe);
const quota = readable(rec({ weight: fc.integer({ min: 1, max: 3 }), maxConcurrent: fc.integer({ min: 1, max: 8 }) }), (q) => `{weight ${q.weight}, maxConcurrent ${q.maxConcurrent}}`);
const scenario = rec({
  quotas: fc.array(quota, { minLength: 2, maxLength: 3 }),
  actions: fc.array(action, { minLength: 8, maxLength: 24, size: "max" }),
});

let h: Harness;
let workerEngine: Engine;
let workers: WorkerHandle[] = [];
let lastRun: Promise<void> | undefined;
const stats = { runs: 0, jobs: 0, crashes: 0, cancels: 0, redrives: 0, quotaChanges: 0, fencedCommits: 0, lostClaims: 0, samples: 0, maxRunningSeen: 0 };

// Workers get their own engine (same database, Redis and prefix) whose logger counts the
// commits fencing rejected: proof that crashes really left zombies that came back late.
const counting: Logger = {
  info() {},
  debug() {},
  error() {},
  warn: (_o, msg) => void (msg?.startsWith("commit rejected") && stats.fencedCommits++),
  child: () => counting,
};

async function startWorker(): Promise<WorkerHandle> {
  const w = workerEngine.createWorker({ concurrency: SLOTS });
  await w.start();
  return w;
}

beforeAll(async () => {
  h = await createHarness({ leaseMs: LEASE_MS });
  await h.engine.createScheduler({ tickMs: 200 }).start(); // a short tick so due retries go soon
  workerEngine = createEngine({ prisma: h.db.prisma, redis: h.redis, logger: counting }, { prefix: h.prefix, leaseMs: LEASE_MS });
  workers = [await startWorker(), await startWorker()];
});

afterAll(async () => {
  await lastRun?.catch(() => {}); // a run fast-check gave up waiting for (time limit) must not outlive the database
  await workerEngine?.close();
  await h?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function jobInput(s: Submit): CreateJobInput {
  const items =
    s.handler === "fail" ? s.failTimes.map((f) => ({ failTimes: f }))
    : s.handler === "sleep" ? Array<number>(s.size).fill(s.ms)
    : Array.from({ length: s.size }, (_, i) => ({ i }));
  const maxAttempts = s.handler === "fail" ? s.maxAttempts : 3;
  return { handler: s.handler, input: { items }, chunkSize: s.chunkSize, maxAttempts, backoff: { baseMs: 20, maxMs: 100 }, timeoutMs: 5_000 };
}

/** What item i must end as: execution is at-least-once, the recorded outcome is exact. */
function expected(s: Submit, i: number): { status: ResultRow["status"]; output?: unknown } {
  if (s.handler === "fail") {
    const f = s.failTimes[i]!;
    // Item attempt n fails while n <= failTimes; a redrive restarts the count, same outcome.
    return f >= 0 && f < s.maxAttempts ? { status: "succeeded", output: "ok" } : { status: "dead" };
  }
  return { status: "succeeded", output: s.handler === "sleep" ? s.ms : s.handler === "echo" ? { i } : null };
}

async function allResults(tenant: string, jobId: string): Promise<ResultRow[]> {
  const out: ResultRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await h.engine.getResults(tenant, jobId, { limit: 1000, cursor });
    out.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

interface RunJob { id: string; tenant: string; spec: Submit; label: string }
/** A tenant's maxConcurrent as the sampler sees it (see SETTLE_MS). */
interface QuotaWatch { value: number; settleUntil: number; settleSample: number; settleBound: number; old: Map<string, number>; oldInFlight: number }

/** (b) while running: the counters are non-negative, sum to the total, and successes never go back. */
function checkProgress(job: RunJob, v: JobView, lastSucceeded: Map<string, number>): string[] {
  const p = v.progress;
  const bad: string[] = [];
  if (Object.values(p).some((n) => n < 0)) bad.push(`${job.label}: negative counter ${JSON.stringify(p)}`);
  if (p.queued + p.running + p.succeeded + p.failed + p.dead !== p.total) bad.push(`${job.label}: counters do not sum to total ${JSON.stringify(p)}`);
  if (p.succeeded < (lastSucceeded.get(job.id) ?? 0)) bad.push(`${job.label}: succeeded went back from ${lastSucceeded.get(job.id)} to ${p.succeeded}`);
  lastSucceeded.set(job.id, p.succeeded);
  return bad;
}

/** (a) and (b) once quiet: results unique and exactly as the handler dictates, counters exact. */
async function checkFinal(job: RunJob): Promise<string[]> {
  const v = await h.engine.getJob(job.tenant, job.id);
  const rows = await allResults(job.tenant, job.id);
  const p = v.progress;
  const bad: string[] = [];
  const say = (msg: string) => bad.push(`${job.label} (${v.status}): ${msg}`);
  const seen = new Set<number>();
  for (const r of rows) {
    if (seen.has(r.index)) say(`item ${r.index} recorded twice (${rows.filter((x) => x.index === r.index).map((x) => x.status).join(" and ")})`);
    seen.add(r.index);
    const want = expected(job.spec, r.index);
    if (r.status !== want.status || (r.status === "succeeded" && JSON.stringify(r.output) !== JSON.stringify(want.output))) {
      say(`item ${r.index} recorded ${JSON.stringify({ status: r.status, output: r.output })}, expected ${JSON.stringify(want)}`);
    }
  }
  const succeeded = rows.filter((r) => r.status === "succeeded").length;
  const dead = rows.filter((r) => r.status === "dead").length;
  if (p.succeeded !== succeeded || p.dead !== dead) say(`counters ${JSON.stringify(p)} but ${succeeded} successes and ${dead} dead letters recorded`);
  if (p.running !== 0 || p.failed !== 0) say(`finished but running/failed not zero: ${JSON.stringify(p)}`);
  if (v.status !== "cancelled") {
    if (succeeded + dead !== p.total) say(`finished with ${succeeded} + ${dead} of ${p.total} items accounted for`);
    if (v.status !== (dead > 0 ? "failed" : "succeeded")) say(`status ${v.status} with ${dead} dead`);
  }
  return bad;
}

async function runScenario(sc: { quotas: { weight: number; maxConcurrent: number }[]; actions: Action[] }): Promise<void> {
  stats.runs++;
  const tenants: string[] = [];
  const quota = new Map<string, QuotaWatch>();
  for (const q of sc.quotas) {
    const t = await h.newTenant(q.weight, { maxConcurrent: q.maxConcurrent });
    tenants.push(t);
    quota.set(t, { value: q.maxConcurrent, settleUntil: 0, settleSample: 0, settleBound: 0, old: new Map(), oldInFlight: 0 });
  }
  const jobs: RunJob[] = [];
  const violations: string[] = [];
  const lastSucceeded = new Map<string, number>();

  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      // One statement, so the running count and the in-flight set are the same instant, taken
      // after `at`: a change that began at or after `at` counts as settling for this sample.
      const at = Date.now();
      const inFlight = await h.db.prisma.$queryRawUnsafe<{ tenantId: string; key: string; runs: number; status: string }[]>(
        `SELECT "tenantId", "jobId" || '.' || seq AS key, runs, status::text FROM tasks
         WHERE status IN ('queued', 'running') AND "tenantId" = ANY($1::uuid[])`,
        tenants,
      );
      stats.samples++;
      for (const [t, w] of quota) {
        const mine = inFlight.filter((r) => r.tenantId === t);
        const running = mine.filter((r) => r.status === "running").length;
        const settling = at < w.settleUntil || stats.samples <= w.settleSample; // a slow sampler still sees the window
        for (const [key, runs] of w.old) if (!mine.some((r) => r.key === key && r.runs === runs)) w.old.delete(key);
        if (settling) for (const r of mine) w.old.set(r.key, r.runs);
        w.oldInFlight = w.old.size;
        const allowed = settling ? w.settleBound : Math.max(w.value, w.oldInFlight);
        stats.maxRunningSeen = Math.max(stats.maxRunningSeen, running);
        if (running > allowed) {
          const why = settling ? "within the settle window of a change" : `${w.oldInFlight} tasks admitted before the last change still in flight`;
          violations.push(`(c) tenant ${tenants.indexOf(t)} had ${running} tasks running; maxConcurrent ${w.value} allows ${allowed} (${why})`);
        }
      }
      // Job views every fifth sample: enough to catch drift without crowding the shared pool.
      if (stats.samples % 5 === 0) for (const job of jobs.slice()) violations.push(...checkProgress(job, await h.engine.getJob(job.tenant, job.id), lastSucceeded));
      await pause(40);
    }
  })();

  try {
    for (const [i, a] of sc.actions.entries()) {
      const pick = (n: number) => (jobs.length ? jobs[n % jobs.length]! : undefined);
      if (a.kind === "submit") {
        const tenant = tenants[a.tenant % tenants.length]!;
        const { job } = await h.engine.submitJob(tenant, jobInput(a));
        jobs.push({ id: job.id, tenant, spec: a, label: `job of action #${i} (${a.handler})` });
        stats.jobs++;
      } else if (a.kind === "cancel") {
        const j = pick(a.job);
        if (j) await h.engine.cancelJob(j.tenant, j.id), stats.cancels++;
      } else if (a.kind === "redrive") {
        const j = pick(a.job);
        if (j) {
          await h.engine.redrive(j.tenant, j.id).catch((e) => {
            if (!(e instanceof FanoutError && e.status === 409)) throw e; // cancelled job: refused, as documented
          });
          stats.redrives++;
        }
      } else if (a.kind === "quota") {
        const tenant = tenants[a.tenant % tenants.length]!;
        const w = quota.get(tenant)!;
        // Widen the bound before the update (a round may read the new value at once) ...
        w.settleBound = Math.max(Date.now() < w.settleUntil || stats.samples <= w.settleSample ? w.settleBound : Math.max(w.value, w.oldInFlight), a.maxConcurrent);
        w.settleUntil = Infinity;
        w.value = a.maxConcurrent;
        await h.db.prisma.quota.update({ where: { tenantId: tenant }, data: { weight: a.weight, maxConcurrent: a.maxConcurrent } });
        w.settleUntil = Date.now() + SETTLE_MS; // ... and narrow it once the old value's last round is over
        w.settleSample = stats.samples + 3;
        stats.quotaChanges++;
      } else if (a.kind === "crash") {
        // The worker holding the most running tasks, so the crash leaves zombies behind.
        const held = await h.db.prisma.task.groupBy({ by: ["workerId"], where: { status: "running" }, _count: true });
        const load = (w: WorkerHandle) => held.find((x) => x.workerId === w.id)?._count ?? 0;
        const ix = workers.reduce((best, w, i) => (load(w) > load(workers[best]!) ? i : best), 0);
        await workers[ix]!.kill();
        workers[ix] = await startWorker();
        stats.crashes++;
      } else {
        await pause(a.ms);
      }
    }

    // Quiescence: every job finished (cancelled ones at once; the rest after retries and crash recovery).
    const deadline = Date.now() + QUIET_MS;
    let open: JobView[];
    while ((open = (await Promise.all(jobs.map((j) => h.engine.getJob(j.tenant, j.id)))).filter((v) => v.status === "queued" || v.status === "running")).length > 0 && Date.now() < deadline) await pause(50);
    if (open.length > 0) {
      // What holds them up: their own unfinished tasks, and every task of these tenants
      // counted as in flight (which is what their maxConcurrent is measured against).
      const stuck = await h.db.prisma.$queryRawUnsafe(
        `SELECT t."tenantId", t."jobId", t.seq, t.status, t.attempt, t.runs, t.admits, j.status AS "jobStatus"
         FROM tasks t JOIN jobs j ON j.id = t."jobId"
         WHERE t."tenantId" = ANY($1::uuid[]) AND (t.status IN ('queued', 'running') OR (t."jobId" = ANY($2::uuid[]) AND t.status <> 'done'))`,
        tenants,
        open.map((v) => v.id),
      );
      const label = (id: string) => jobs.find((j) => j.id === id)?.label ?? id;
      const tasks = (stuck as { tenantId: string; jobId: string }[]).map((t) => ({ ...t, tenantId: tenants.indexOf(t.tenantId), jobId: label(t.jobId) }));
      violations.push(`not quiescent after ${QUIET_MS / 1000} s: ${JSON.stringify(open.map((v) => ({ job: label(v.id), status: v.status, progress: v.progress })))}; tasks ${JSON.stringify(tasks)}`);
    }
  } finally {
    sampling = false;
    await sampler;
  }
  for (const job of jobs) violations.push(...(await checkFinal(job)));
  const [lost] = await h.db.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT coalesce(sum(attempt - runs), 0)::int AS n FROM tasks WHERE "tenantId" = ANY($1::uuid[]) AND status = 'done' AND attempt > runs`,
    tenants,
  );
  stats.lostClaims += lost!.n;
  if (violations.length > 0) throw new Error(`${violations.length} invariant violation(s):\n  ${[...new Set(violations)].slice(0, 15).join("\n  ")}`);
}

it("no double records, exact counters and quotas respected under random submits, cancels, redrives, quota changes and worker crashes", async () => {
  const started = Date.now();
  await fc.assert(fc.asyncProperty(scenario, (sc) => (lastRun = runScenario(sc))), {
    numRuns: NUM_RUNS,
    ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
    // Each run takes seconds: bound shrinking so a failure reports within a few minutes.
    interruptAfterTimeLimit: 3 * 60_000,
    markInterruptAsFailure: true,
  });
  console.log(`[invariants] ${JSON.stringify(stats)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 5 * 60_000);

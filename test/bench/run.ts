// `npm run bench [-- options]`: runs the benchmark scenarios, each against its baseline in the
// same run, prints every figure with its target met or missed, and writes bench/results/
// <timestamp>.{md,json} and latest.{md,json}. Benchmarks are scripts, never timed tests.
//
//   --quick            smaller N, 1 run (finishes in under two minutes)
//   --runs N           runs per scenario (default 3; 1 with --quick)
//   --only 1,3         scenarios by number or key (throughput, big-job, latency, noisy, api)
//   --workers N        worker processes per Fanout cluster (default 1)
//   --concurrency N    tasks per worker process (default 100; the BullMQ baseline gets workers × N)
//   --api-workers N    worker processes booted next to the web app in scenario 5 (default 2, as npm start)
//   --rebuild          scenario 5: always rebuild the web app (default: rebuild only if sources changed; --quick reuses any build)
//   --cpu-prof         CPU profiles of Fanout's worker, scheduler (and web) processes into bench/results/profiles/<run>/
//   --pg-activity      sample pg_stat_activity during Fanout runs: which statements keep Postgres busy
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { api } from "./api";
import { bigJob } from "./big-job";
import { pending, scoped, unwindAll } from "./lib/cleanup";
import { LOG_DIR } from "./lib/procs";
import { meta, printScenario, RESULTS_DIR, sourcesHash, writeResults } from "./lib/report";
import type { BenchContext, Scenario, ScenarioResult } from "./lib/types";
import { latency } from "./latency";
import { noisyNeighbour } from "./noisy-neighbour";
import { throughput } from "./throughput";

const SCENARIOS: Scenario[] = [throughput, bigJob, latency, noisyNeighbour, api];

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    runs: { type: "string" },
    only: { type: "string" },
    // One worker process at the baseline's concurrency: the raw BullMQ side is one Worker
    // process, and on 2 cores a second Node process only adds context switches and halves
    // every per-process batch (scenario 1 measures that split too).
    workers: { type: "string", default: "1" },
    concurrency: { type: "string", default: "100" },
    "api-workers": { type: "string", default: "2" },
    rebuild: { type: "boolean", default: false },
    "cpu-prof": { type: "boolean", default: false },
    "pg-activity": { type: "boolean", default: false },
  },
});

const int = (name: string, v: string | undefined, min: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min} (got ${v})`);
  return n;
};

const runs = opts.runs !== undefined ? int("runs", opts.runs, 1) : opts.quick ? 1 : 3;
const only = opts.only?.split(",").map((s) => s.trim()).filter(Boolean);
const selected = only ? SCENARIOS.filter((s) => only.includes(String(s.id)) || only.includes(s.key)) : SCENARIOS;
if (only && selected.length !== only.length) {
  console.error(`--only: unknown scenario in "${opts.only}"; choose from ${SCENARIOS.map((s) => `${s.id}/${s.key}`).join(", ")}`);
  process.exit(2);
}
const startedAt = new Date();
const cpuProfDir = opts["cpu-prof"] ? path.join(RESULTS_DIR, "profiles", startedAt.toISOString().replace(/[:.]/g, "-")) : undefined;
if (cpuProfDir) fs.mkdirSync(cpuProfDir, { recursive: true });

const ctx: BenchContext = {
  runs,
  quick: opts.quick,
  workers: int("workers", opts.workers, 1),
  concurrency: int("concurrency", opts.concurrency, 1),
  apiWorkers: int("api-workers", opts["api-workers"], 0),
  rebuild: opts.rebuild,
  cpuProfDir,
  pgActivity: opts["pg-activity"],
  shared: {},
  log: (msg) => console.log(`  ${msg}`),
};

// Ctrl-C / SIGTERM: undo everything created so far, then exit. Under `npm run`, tsx relays the
// terminal's SIGINT, so the same Ctrl-C arrives twice: only a signal 2 s after the first exits
// at once (process.on("exit") in lib/procs still SIGKILLs every child group).
let interrupted = 0;
let cleaning: Promise<void> | undefined;
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(sig, () => {
    if (interrupted) {
      if (Date.now() - interrupted > 2000) process.exit(130);
      return;
    }
    interrupted = Date.now();
    console.error(`\n[bench] ${sig}: cleaning up ${pending().length} resource(s): ${pending().reverse().join(", ")} (again to exit now)`);
    cleaning = unwindAll();
    void cleaning.finally(() => process.exit(130));
  });
}

// A stray rejection while cleaning up after a signal (a poll whose database was just dropped)
// is expected; any other is a bug: report it, clean up, fail.
process.on("unhandledRejection", (err) => {
  if (interrupted) return;
  console.error("[bench] unhandled rejection:", err);
  interrupted = Date.now();
  cleaning = unwindAll();
  void cleaning.finally(() => process.exit(1));
});

const results: ScenarioResult[] = [];
const info = meta({ runs, quick: ctx.quick, argv: process.argv.slice(2) });
console.log(`[bench] ${selected.length} scenario(s), ${runs} run(s) each${ctx.quick ? ", quick" : ""}; Fanout cluster: 1 scheduler + ${ctx.workers} worker process(es) × concurrency ${ctx.concurrency}; child logs in ${LOG_DIR}`);
for (const s of selected) {
  if (interrupted) break;
  const result: ScenarioResult = { id: s.id, key: s.key, title: s.title, metrics: [], notes: [], details: [] };
  if (process.env.SCHEDULER_INFLIGHT_PER_SLOT) result.notes.push(`Scheduler run with SCHEDULER_INFLIGHT_PER_SLOT=${process.env.SCHEDULER_INFLIGHT_PER_SLOT} (the default is 2).`);
  if (process.env.SCHEDULER_MIN_ROUND_GAP_MS) result.notes.push(`Scheduler run with SCHEDULER_MIN_ROUND_GAP_MS=${process.env.SCHEDULER_MIN_ROUND_GAP_MS} (the default is 0).`);
  results.push(result);
  console.log(`\n[bench] ${s.id}. ${s.title}`);
  const t0 = Date.now();
  try {
    await scoped(() => s.run(ctx, result));
  } catch (err) {
    if (interrupted) break;
    result.error = (err as Error).message;
    console.error(`[bench] scenario ${s.id} failed: ${(err as Error).stack}`);
  }
  result.seconds = Math.round((Date.now() - t0) / 100) / 10;
  printScenario(result);
  console.log(`  (${result.seconds} s)`);
}
await unwindAll();
if (cleaning) {
  await cleaning;
  process.exit(130);
}
const sourcesAtEnd = sourcesHash();
if (sourcesAtEnd !== info.sources) console.log(`[bench] note: packages/apps sources changed during the run (${info.sources} → ${sourcesAtEnd}); later runs used newer code`);
const files = writeResults(results, { ...info, sourcesAtEnd, finishedAt: new Date().toISOString(), cpuProfDir: cpuProfDir && path.relative(process.cwd(), cpuProfDir) });
console.log(`\n[bench] wrote ${files.join(", ")}`);
if (cpuProfDir) console.log(`[bench] CPU profiles in ${path.relative(process.cwd(), cpuProfDir)} (summarise: npx tsx test/bench/profile-top.ts <file.cpuprofile>)`);
const failed = results.some((r) => r.error);
// Child logs are kept when something failed (the error messages point into them) or BENCH_KEEP_LOGS is set.
if (failed || process.env.BENCH_KEEP_LOGS) console.log(`[bench] child process logs: ${LOG_DIR}`);
else fs.rmSync(LOG_DIR, { recursive: true, force: true });
process.exit(failed ? 1 : 0);

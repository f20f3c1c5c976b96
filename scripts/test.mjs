#!/usr/bin/env node
// `npm test`: the whole suite. Ensures Postgres/Redis, generates the Prisma client, then runs
// unit, integration (vitest) and e2e (Playwright) in that order. Every stage runs even if an
// earlier one failed, so one run shows all failures; the exit code is non-zero if any did.
//   npm test                    all stages
//   npm test -- unit e2e        only the named stages
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ROOT, ensureServices, ServiceError } from "./services.mjs";
import { baseEnv } from "./start.mjs";
import { onParentExit } from "./lib/procs.mjs";

const BIN = path.join(ROOT, "node_modules", ".bin");
const OUT = path.join(ROOT, ".data", "test-results");

const vitest = (project) => ({
  cmd: path.join(BIN, "vitest"),
  args: ["run", "--project", project, "--passWithNoTests", "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(OUT, `${project}.json`)}`],
  // vitest's JSON follows jest's shape.
  counts: (j) => ({ passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests }),
  report: path.join(OUT, `${project}.json`),
});
const STAGES = {
  unit: vitest("unit"),
  integration: vitest("integration"),
  e2e: {
    cmd: path.join(BIN, "playwright"),
    args: ["test", "-c", "test/e2e/playwright.config.ts", "--pass-with-no-tests"],
    counts: (j) => ({ passed: j.stats.expected + j.stats.flaky, failed: j.stats.unexpected, skipped: j.stats.skipped }),
    report: path.join(ROOT, "test", "e2e", "results", "report.json"), // written by the config's json reporter
  },
};

let current = null;
// If npm (our parent) is stopped, stop the running stage so Playwright tears its system down.
onParentExit(() => { current?.kill("SIGTERM"); process.exit(143); });

function runStage(name, { cmd, args }, env) {
  console.log(`\n[test] ── ${name} ──`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: "inherit" });
    current = child;
    child.once("error", (e) => { console.error(`[test] ${name}: ${e.message}`); resolve(127); });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => a in STAGES);
  const stages = wanted.length ? wanted : Object.keys(STAGES);
  const { databaseUrl, redisUrl } = await ensureServices({ log: (m) => console.log(`[services] ${m}`) });
  const env = baseEnv({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl });
  fs.mkdirSync(OUT, { recursive: true });
  if ((await runStage("generate", { cmd: "npm", args: ["run", "--silent", "generate"] }, env)) !== 0) process.exit(1);

  const results = [];
  for (const name of stages) {
    const stage = STAGES[name];
    fs.rmSync(stage.report, { force: true }); // never read a previous run's numbers
    const started = Date.now();
    const code = await runStage(name, stage, env);
    let counts = null;
    try { counts = stage.counts(JSON.parse(fs.readFileSync(stage.report, "utf8"))); } catch { /* crashed before reporting */ }
    results.push({ name, code, counts, secs: ((Date.now() - started) / 1000).toFixed(1) });
  }

  console.log("\n[test] ── summary ──");
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const { name, code, counts, secs } of results) {
    if (counts) for (const k of Object.keys(total)) total[k] += counts[k];
    // A stage that failed without a failed test (setup crash, unhandled error) counts as one.
    if (code !== 0 && !counts?.failed) total.failed += 1;
    const what = counts ? `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : "no report (the runner failed before reporting)";
    console.log(`[test] ${name.padEnd(12)} ${code === 0 ? "ok  " : "FAIL"} ${what} (${secs}s)`);
  }
  const failedStages = results.filter((r) => r.code !== 0).length;
  console.log(`Total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(failedStages ? 1 : 0);
}

main().catch((e) => { console.error(`[test] ${e instanceof ServiceError ? e.message : e.stack}`); process.exit(1); });

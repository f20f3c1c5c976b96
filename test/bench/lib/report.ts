// Turns scenario results into the console summary, the markdown table and the JSON file.
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./procs";
import { fmtSummary, summarize, type Summary } from "./stats";
import type { Metric, ScenarioResult } from "./types";

// BENCH_RESULTS_DIR: exploratory runs write elsewhere instead of replacing the committed latest.*.
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ? path.resolve(process.env.BENCH_RESULTS_DIR) : path.join(ROOT, "bench", "results");

export interface Row {
  scenario: string;
  metric: string;
  unit: string;
  fanout: Summary | null;
  baseline: Summary | null;
  ratio: Summary | null;
  target: string | null;
  met: boolean | null;
}

export function rowOf(s: ScenarioResult, m: Metric): Row {
  const fanout = summarize(m.fanout);
  const ratio = summarize(m.ratio);
  const judged = m.target ? (m.target.on === "ratio" ? ratio : fanout) : null;
  return {
    scenario: `${s.id}. ${s.title}`,
    metric: m.name,
    unit: m.unit,
    fanout,
    baseline: summarize(m.baseline),
    ratio,
    target: m.target ? `${m.target.on === "ratio" ? "ratio " : ""}${m.target.text}` : null,
    met: m.target && judged ? m.target.ok(judged.median) : m.target ? false : null,
  };
}

const mark = (met: boolean | null) => (met === null ? "" : met ? "met" : "**missed**");

export function markdown(results: ScenarioResult[], meta: Record<string, unknown>): string {
  const lines = [
    `# Fanout benchmarks`,
    "",
    `${meta.startedAt} · commit ${meta.commit} · sources ${meta.sources}${meta.sourcesAtEnd !== meta.sources ? ` (changed during the run: ${meta.sourcesAtEnd} at the end)` : ""} · ${meta.runs} run(s)${meta.quick ? " · --quick" : ""} · ${meta.machine}`,
    "",
    "Fanout and baseline figures are medians over runs with the range (min–max) in brackets; the ratio is the median of the per-run ratios (Fanout ÷ baseline measured in the same run). Targets are judged on the medians.",
    "",
    "| scenario | metric | Fanout (median, range) | baseline (median, range) | ratio | target | met? |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const s of results) {
    if (s.error) lines.push(`| ${s.id}. ${s.title} | error | ${s.error.split("\n")[0]!.replace(/\|/g, "\\|").slice(0, 200)} | | | | **missed** |`);
    for (const m of s.metrics) {
      const r = rowOf(s, m);
      const d = m.decimals ?? 1;
      lines.push(
        `| ${r.scenario} | ${r.metric}${r.unit ? ` (${r.unit})` : ""} | ${fmtSummary(r.fanout, d)} | ${fmtSummary(r.baseline, d)} | ${fmtSummary(r.ratio, 2)}${r.ratio ? "×" : ""} | ${r.target ?? ""} | ${mark(r.met)} |`,
      );
    }
  }
  lines.push("", "## Notes", "");
  for (const s of results) for (const n of s.notes) lines.push(`- (${s.id}) ${n}`);
  return lines.join("\n") + "\n";
}

export function json(results: ScenarioResult[], meta: Record<string, unknown>): string {
  return JSON.stringify(
    {
      ...meta,
      scenarios: results.map((s) => ({
        id: s.id,
        key: s.key,
        title: s.title,
        seconds: s.seconds,
        error: s.error,
        notes: s.notes,
        metrics: s.metrics.map((m) => {
          const r = rowOf(s, m);
          return { metric: m.name, unit: m.unit, target: r.target, met: r.met, fanout: { ...r.fanout, runs: m.fanout }, baseline: m.baseline ? { ...r.baseline, runs: m.baseline } : null, ratio: m.ratio ? { ...r.ratio, runs: m.ratio, note: m.ratioNote } : null };
        }),
        details: s.details,
      })),
    },
    null,
    2,
  );
}

/** Hash of the sources the benchmarked processes load, to notice an engine that changed mid-run. */
export function sourcesHash(): string {
  const h = createHash("sha256");
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      // dist: the bench itself rebuilds the worker and scheduler bundles, which is not a source change.
      if (["node_modules", ".next", "generated", "dist"].includes(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mjs|prisma|sql)$/.test(e.name)) h.update(p).update(fs.readFileSync(p));
    }
  };
  for (const d of ["packages", "apps/worker", "apps/scheduler", "prisma"]) walk(path.join(ROOT, d));
  return h.digest("hex").slice(0, 12);
}

export function meta(args: { runs: number; quick: boolean; argv: string[] }): Record<string, unknown> {
  let commit = "unknown";
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: ROOT, encoding: "utf8" }).trim();
    if (execSync("git status --porcelain packages apps", { cwd: ROOT, encoding: "utf8" }).trim()) commit += " (+ uncommitted changes in packages/apps)";
  } catch {
    /* not a checkout */
  }
  return {
    startedAt: new Date().toISOString(),
    commit,
    runs: args.runs,
    quick: args.quick,
    argv: args.argv,
    node: process.version,
    sources: sourcesHash(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg().map((l) => l.toFixed(1)).join("/")} at start`,
  };
}

/** <timestamp>.md/.json plus latest.md/.json, each written whole (tmp + rename). */
export function writeResults(results: ScenarioResult[], m: Record<string, unknown>): string[] {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = String(m.startedAt).replace(/[:.]/g, "-");
  const files: string[] = [];
  for (const [ext, text] of [["md", markdown(results, m)], ["json", json(results, m)]] as const) {
    for (const name of [`${stamp}.${ext}`, `latest.${ext}`]) {
      const file = path.join(RESULTS_DIR, name);
      fs.writeFileSync(`${file}.tmp`, text);
      fs.renameSync(`${file}.tmp`, file);
      files.push(path.relative(ROOT, file));
    }
  }
  return files;
}

/** One console line per metric with met/missed. */
export function printScenario(s: ScenarioResult): void {
  for (const m of s.metrics) {
    const r = rowOf(s, m);
    const d = m.decimals ?? 1;
    const parts = [`  ${r.metric}: Fanout ${fmtSummary(r.fanout, d, r.unit)}`];
    if (r.baseline) parts.push(`baseline ${fmtSummary(r.baseline, d, r.unit)}`);
    if (r.ratio) parts.push(`ratio ${fmtSummary(r.ratio, 2)}×`);
    if (r.target) parts.push(`target ${r.target}: ${r.met ? "MET" : "MISSED"}`);
    console.log(parts.join(" · "));
  }
  if (s.error) console.log(`  ERROR: ${s.error}`);
}

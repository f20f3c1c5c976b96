// Child processes for benchmarks: TypeScript files run with `node --import tsx`, bundled .mjs
// files (the apps, as production runs them) with plain node; one process either way, so its
// pid is the one whose memory we sample. Each gets its own process group so stopping it stops
// anything it spawned, and a Ctrl-C in the terminal reaches only the runner.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { defer } from "./cleanup";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const LOG_DIR = path.join(os.tmpdir(), `fanout-bench-${process.pid}`);

const live = new Set<number>();
// Last resort (uncaught error, process.exit): no child outlives the runner.
process.on("exit", () => {
  for (const pid of live) killGroup(pid, "SIGKILL");
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Resolves with the first stdout line matching re; rejects if the process exits first. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for an IPC message of this type (after sending msg, if given). */
  request<T = Record<string, unknown>>(type: string, msg?: object, timeoutMs?: number): Promise<T>;
  /** SIGTERM the group, SIGKILL after graceMs; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
  tail(lines?: number): string;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  ipc?: boolean;
  nodeArgs?: string[];
  /** Write a CPU profile of the process to this directory when it exits (lib/cpu-prof-preload.cjs). */
  profileDir?: string;
}

export const PROFILE_PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), "cpu-prof-preload.cjs");

export function spawnTs(name: string, file: string, opts: SpawnOptions = {}): Proc {
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${name}.log`);
  const log = fs.createWriteStream(logFile, { flags: "a" });
  const stdio: ("ignore" | "pipe" | "ipc")[] = ["ignore", "pipe", "pipe", ...(opts.ipc ? (["ipc"] as const) : [])];
  const prof = opts.profileDir ? ["--require", PROFILE_PRELOAD] : [];
  const loader = file.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...prof, ...(opts.nodeArgs ?? []), ...loader, path.resolve(ROOT, file)], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, ...(opts.profileDir ? { BENCH_CPU_PROF_DIR: opts.profileDir, BENCH_PROF_NAME: name } : {}) },
    detached: true,
    stdio,
  });
  const pid = child.pid!;
  live.add(pid);
  const lineWaiters = new Set<(line: string) => void>();
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    log.write(line + "\n");
    for (const w of lineWaiters) w(line);
  });
  readline.createInterface({ input: child.stderr! }).on("line", (line) => log.write(line + "\n"));
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(pid);
      log.write(`--- exited ${signal ?? code}\n`);
      resolve(code);
    });
  });
  child.once("close", () => log.end());
  const tail = (lines = 20) => {
    try {
      return fs.readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).map((l) => `  [${name}] ${l}`).join("\n");
    } catch {
      return "";
    }
  };
  const died = (what: string) => new Error(`${name} exited while waiting for ${what}; log ${logFile}:\n${tail()}`);

  const proc: Proc = {
    name,
    pid,
    child,
    exited,
    tail,
    waitForLine(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms:\n${tail()}`)), timeoutMs);
        const onLine = (line: string) => re.test(line) && done(null, line);
        const done = (err: Error | null, line?: string) => {
          clearTimeout(timer);
          lineWaiters.delete(onLine);
          err ? reject(err) : resolve(line!);
        };
        lineWaiters.add(onLine);
        void exited.then(() => done(died(String(re))));
      });
    },
    request(type, msg, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${name}: no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
        const onMsg = (m: { type?: string }) => m?.type === type && done(null, m);
        const done = (err: Error | null, m?: unknown) => {
          clearTimeout(timer);
          child.off("message", onMsg);
          err ? reject(err) : resolve(m as never);
        };
        child.on("message", onMsg);
        void exited.then(() => done(died(`message "${type}"`)));
        if (msg) child.send(msg);
      });
    },
    async stop(graceMs = 20_000) {
      if (!live.has(pid)) return;
      killGroup(pid, "SIGTERM");
      const timer = setTimeout(() => killGroup(pid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup(pid, "SIGKILL"); // anything the leader left behind
    },
  };
  return proc;
}

/** spawnTs plus a cleanup entry that stops it. */
export function spawnManaged(name: string, file: string, opts: SpawnOptions = {}): Proc {
  const p = spawnTs(name, file, opts);
  defer(`stop ${name}`, () => p.stop());
  return p;
}

/** Samples VmRSS of the given pids every `everyMs`; stop() returns each pid's peak in bytes. */
export function sampleRss(pids: number[], everyMs = 50): { stop(): Map<number, number> } {
  const peak = new Map<number, number>(pids.map((p) => [p, 0]));
  const read = () => {
    for (const pid of pids) {
      try {
        const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (m) peak.set(pid, Math.max(peak.get(pid) ?? 0, Number(m[1]) * 1024));
      } catch {
        /* exited */
      }
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return peak;
    },
  };
}

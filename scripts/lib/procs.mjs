// Child-process supervision shared by `npm start` and the e2e global setup.
// Every child gets its own process group (detached) so that stopping it also stops whatever
// it spawned (next start, tsx's loader), and a Ctrl-C in the terminal reaches only us: we
// then stop the children in order instead of all of them dying mid-write at once.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

const PROBLEM_LEVELS = new Set(["warn", "error", "fatal", 40, 50, 60]);

/** True for a line worth showing on the console when only problems are echoed. */
function isProblem(line, stream) {
  if (!line.startsWith("{")) return stream === "stderr";
  try { return PROBLEM_LEVELS.has(JSON.parse(line).level); } catch { return stream === "stderr"; }
}

export class Supervisor {
  /**
   * @param {{ logDir: string, echo?: "all" | "problems" | "none" }} opts
   * echo: which lines of long-running services reach the console (all go to logDir/<name>.log).
   */
  constructor({ logDir, echo = "problems" }) {
    this.logDir = logDir;
    this.echo = echo;
    this.children = new Map(); // name -> { child, exited: Promise<number|null> }
    this.stopping = false;
    fs.mkdirSync(logDir, { recursive: true });
    // Last resort if we die without running stopAll (an uncaught error): never leave orphans.
    process.on("exit", () => { for (const { child } of this.children.values()) killGroup(child, "SIGKILL"); });
  }

  /** Spawns a child; returns { child, exited } where exited resolves with the exit code. */
  #spawn(name, cmd, args, { cwd, env, echo, capture }) {
    const log = fs.createWriteStream(path.join(this.logDir, `${name}.log`), { flags: "a" }).on("error", () => {});
    log.write(`--- ${new Date().toISOString()} ${cmd} ${args.join(" ")}\n`);
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let captured = "";
    for (const stream of ["stdout", "stderr"]) {
      if (capture && stream === "stdout") child.stdout.on("data", (d) => { captured += d; });
      readline.createInterface({ input: child[stream], crlfDelay: Infinity }).on("line", (line) => {
        log.write(line + "\n");
        if (echo === "all" || (echo === "problems" && isProblem(line, stream))) {
          (stream === "stderr" ? process.stderr : process.stdout).write(`[${name}] ${line}\n`);
        }
      });
    }
    const exited = new Promise((resolve) => {
      child.once("error", (e) => { log.write(`spawn error: ${e.message}\n`); resolve(127); });
      child.once("exit", (code, signal) => { log.write(`--- exited ${signal ?? code}\n`); resolve(code ?? 128); });
      // Output can still arrive after "exit"; close the log only once the pipes are done.
      child.once("close", () => log.end());
    });
    const entry = { child, exited, name, get output() { return captured; } };
    this.children.set(name, entry);
    exited.then(() => { if (this.children.get(name) === entry) this.children.delete(name); });
    return entry;
  }

  /** Runs a step to completion, echoing its output; rejects with the log tail on failure. */
  async run(name, cmd, args, { cwd, env = process.env, echo = "all", capture = false } = {}) {
    const entry = this.#spawn(name, cmd, args, { cwd, env, echo, capture });
    const code = await entry.exited;
    if (code !== 0) {
      // What was echoed is already on the console; otherwise show the log's tail.
      const detail = echo === "none" ? `\n${this.tail(name)}` : "";
      throw new Error(`${name} failed (exit ${code}): ${cmd} ${args.join(" ")} (log: ${path.join(this.logDir, `${name}.log`)})${detail}`);
    }
    return entry.output;
  }

  /** Starts a long-running service; onExit fires if it stops while we are not stopping. */
  service(name, cmd, args, { cwd, env = process.env, onExit } = {}) {
    const entry = this.#spawn(name, cmd, args, { cwd, env, echo: this.echo, capture: false });
    entry.exited.then((code) => { if (!this.stopping) onExit?.(name, code); });
    return entry;
  }

  /** Last lines of a child's log, for error messages. */
  tail(name, lines = 30) {
    try {
      return fs.readFileSync(path.join(this.logDir, `${name}.log`), "utf8").trimEnd().split("\n").slice(-lines).map((l) => `  [${name}] ${l}`).join("\n");
    } catch { return ""; }
  }

  /** SIGTERM every child's group, SIGKILL what is still there after graceMs. */
  async stopAll(graceMs = 20_000) { // longer than the apps' own 15 s shutdown deadline
    this.stopping = true;
    const entries = [...this.children.values()];
    const deadline = Date.now() + graceMs;
    for (const { child } of entries) killGroup(child, "SIGTERM");
    // Wait for whole groups, not just leaders: tsx exits before the app it runs has
    // finished its own shutdown, and killing the group then would cut that short.
    while (entries.some(({ child }) => groupAlive(child)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const { child } of entries) killGroup(child, "SIGKILL");
    await Promise.all(entries.map((e) => e.exited));
  }
}

function groupAlive(child) {
  if (!child.pid) return false;
  try { process.kill(-child.pid, 0); return true; } catch { return false; }
}

function killGroup(child, signal) {
  if (!child.pid) return;
  try { process.kill(-child.pid, signal); } catch { /* already gone */ }
}

/**
 * Calls cb once our parent process goes away. `npm start` runs us under `sh -c`, and on
 * SIGTERM npm signals only that shell, which dies without passing it on: we would be
 * orphaned with all our children. Being re-parented is how we notice.
 */
export function onParentExit(cb, intervalMs = 500) {
  const parent = process.ppid;
  const t = setInterval(() => { if (process.ppid !== parent) { clearInterval(t); cb(); } }, intervalMs);
  t.unref();
}

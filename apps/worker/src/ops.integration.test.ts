// The worker and scheduler processes, bundled and run by plain node as `npm start` runs them,
// serve valid Prometheus exposition on METRICS_PORT.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseExposition } from "@fanout/ops/exposition";
import { bundleApp } from "../../../scripts/lib/bundle.mjs";

let db: TestDatabase;
const children: ChildProcess[] = [];
const root = fileURLToPath(new URL("../../../", import.meta.url));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function startApp(app: "worker" | "scheduler", port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const main = await bundleApp(app);
  // The worker's memory budget depends on never loading Prisma (issue #6).
  if (app === "worker") expect(fs.readFileSync(main, "utf8")).not.toMatch(/@prisma\//);
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url, FANOUT_QUEUE_PREFIX: `ops-${randomUUID().slice(0, 8)}`, METRICS_PORT: String(port), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  for (let i = 0; i < 200; i++) {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
    if (r?.ok) return child;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${app} did not become ready on :${port}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await db?.drop();
});

it.each(["worker", "scheduler"] as const)("the %s process serves /metrics, /healthz and /readyz", async (app) => {
  const port = await freePort();
  await startApp(app, port);
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const e = parseExposition(await res.text());
  expect(e.types.get("process_cpu_user_seconds_total")).toBe("counter");
  if (app === "worker") expect(e.types.has("fanout_worker_concurrency")).toBe(true);
  else expect(e.types.has("fanout_backlog_seconds")).toBe(true);
  expect(e.samples.find((s) => s.name === "process_cpu_user_seconds_total")?.labels.process).toBe(app);
});

// Linux keeps a nice value per thread (/proc/<pid>/task/<tid>/stat, field 19).
const niceIn = (statPath: string) => Number(fs.readFileSync(statPath, "utf8").split(") ")[1]!.split(" ")[16]);
const niceOf = (pid: number, tid: number) => niceIn(`/proc/${pid}/task/${tid}/stat`);
const threadNices = (pid: number) => fs.readdirSync(`/proc/${pid}/task`).map((tid) => ({ tid: Number(tid), nice: niceOf(pid, Number(tid)) }));

it.runIf(process.platform === "linux").each([
  [{}, 5],
  [{ WORKER_BULK_NICE: "0" }, 0],
  [{ WORKER_BULK_NICE: "9" }, 9],
] as const)("the worker's main thread runs at WORKER_BULK_NICE (%o → %i), every other thread (the lane's among them) as it was", async (env, nice) => {
  const child = await startApp("worker", await freePort(), env);
  // What the child inherited: the priority of the thread that spawned it.
  const before = niceIn("/proc/thread-self/stat");
  const threads = threadNices(child.pid!);
  expect(threads.find((t) => t.tid === child.pid)!.nice).toBe(Math.max(nice, before));
  // Every other thread (the lane thread, libuv's pool, V8's) was started before and keeps its priority.
  expect(threads.filter((t) => t.tid !== child.pid).map((t) => t.nice)).toEqual(threads.filter((t) => t.tid !== child.pid).map(() => before));
  child.kill("SIGKILL");
});

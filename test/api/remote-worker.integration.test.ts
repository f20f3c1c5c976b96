// End to end over real HTTP: the url-status example worker (built with @fanout/sdk) runs
// in its own process against the real REST handler, real Postgres and Redis. SIGKILL it
// midway and start another: the 10,000-item job succeeds with every result recorded once,
// and a report from the killed worker's lapsed lease is refused with 409 lease_expired.
// Meanwhile another tenant's worker serving a handler of the same name gets none of it.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWorker, FanoutClient, type FanoutWorker } from "@fanout/sdk";
import { recordedIndexes, startApi, waitFor, type ApiHarness } from "./support";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const EXAMPLE = path.join(ROOT, "packages/sdk/examples/url-status-worker/worker.ts");
const VISIBILITY_MS = 3000;
const N = 10_000;

let api: ApiHarness;
let target: http.Server; // what the worker fetches: /<n> answers n bytes after 10 ms
let targetUrl: string;
const children: ChildProcess[] = [];
let other: FanoutWorker | undefined;

function startWorkerProcess(id: string, key: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--conditions=@fanout/source", "--import", "tsx", EXAMPLE], {
    cwd: ROOT,
    env: { ...process.env, FANOUT_URL: api.url, FANOUT_API_KEY: key, FANOUT_WORKER_ID: id, FANOUT_VISIBILITY_MS: String(VISIBILITY_MS), FANOUT_CONCURRENCY: "4", FANOUT_ITEM_CONCURRENCY: "8" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`worker ${id} exited early (${code})`)));
  });
}

beforeAll(async () => {
  api = await startApi({ leaseMs: 1000 });
  target = http.createServer((req, res) => setTimeout(() => res.end("x".repeat(Number(req.url!.slice(1)) % 1000)), 10));
  await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await other?.stop();
  target?.closeAllConnections();
  target?.close();
  await api?.close();
});

it("survives SIGKILL of a remote worker process mid-job: each of 10,000 results recorded once, the stale report is refused", async () => {
  const a = await api.tenant("acme");
  const b = await api.tenant("bravo");
  const client = new FanoutClient({ url: api.url, apiKey: a.key });
  const bClient = new FanoutClient({ url: api.url, apiKey: b.key });
  await client.handlers.register({ name: "url-status", timeoutMs: 20_000 });
  await bClient.handlers.register({ name: "url-status" });

  // Tenant B runs a worker for a handler with the same name the whole time.
  const seenByB: string[] = [];
  other = createWorker({
    url: api.url, apiKey: b.key, workerId: "bravo-1", handleSignals: false, visibilityMs: VISIBILITY_MS, logger: { info() {}, warn() {}, error() {} },
    handlers: { "url-status": async (u: string, ctx) => (seenByB.push(ctx.jobId), { url: u, status: 0, bytes: 0 }) },
  });
  await other.start();

  const victim = await startWorkerProcess("victim", a.key);
  const items = Array.from({ length: N }, (_, i) => `${targetUrl}/${i}`);
  const job = await client.submit({ handler: "url-status", input: { items }, chunkSize: 50 }, { idempotencyKey: "e2e-10k" });
  expect(job.pool).toBe(`remote-${a.id}`);

  await waitFor(() => client.get(job.id), (j) => j.progress.succeeded >= 2000, 120_000);
  victim.kill("SIGKILL");
  await new Promise((r) => victim.once("exit", r));
  // Read what it held only once it is dead: before, it could still report one of them.
  const held = await api.db.prisma.task.findMany({ where: { jobId: job.id, status: "running", workerId: "victim" }, select: { jobId: true, seq: true, attempt: true } });
  expect(held.length).toBeGreaterThan(0);
  await startWorkerProcess("survivor", a.key);

  const done = await client.waitUntilDone(job.id, { timeoutMs: 180_000, intervalMs: 250 });
  expect(done.status).toBe("succeeded");
  expect(done.progress).toMatchObject({ total: N, succeeded: N, failed: 0, dead: 0, running: 0 });
  const recorded = await recordedIndexes(api.db, job.id);
  expect(recorded).toHaveLength(N);
  expect(new Set(recorded).size).toBe(N);
  // The killed worker's tasks were re-leased under a newer attempt and finished by the survivor.
  for (const t of held) {
    const now = await api.db.prisma.task.findUniqueOrThrow({ where: { jobId_seq: { jobId: t.jobId, seq: t.seq } } });
    expect(now.attempt).toBeGreaterThan(t.attempt);
    expect(now.workerId).not.toBe("victim");
  }

  // A late report from the dead worker's lapsed lease is refused: fencing by attempt.
  const late = await fetch(`${api.url}/api/v1/workers/report`, {
    method: "POST",
    headers: { authorization: `Bearer ${a.key}`, "content-type": "application/json" },
    body: JSON.stringify({ workerId: "victim", ...held[0], items: [] }),
  });
  expect(late.status).toBe(409);
  expect(((await late.json()) as { error: { code: string } }).error.code).toBe("lease_expired");

  // Results in item order, each the fetched URL's status and size.
  let n = 0;
  for await (const r of client.results(job.id)) {
    expect(r).toEqual({ index: n, status: "succeeded", output: { url: `${targetUrl}/${n}`, status: 200, bytes: n % 1000 } });
    n++;
  }
  expect(n).toBe(N);

  // Tenant B's worker never saw tenant A's tasks, yet serves B's own jobs.
  expect(seenByB).toEqual([]);
  expect(other.stats.leased).toBe(0);
  const bJob = await bClient.submit({ handler: "url-status", input: { items: ["http://example.invalid/"] } });
  expect((await bClient.waitUntilDone(bJob.id, { timeoutMs: 30_000 })).status).toBe("succeeded");
  expect(seenByB).toEqual([bJob.id]);
}, 300_000);

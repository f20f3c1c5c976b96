// The SDK worker's lease discipline against the real API: ctx.signal aborts on a task
// timeout and on a lost lease (noticed by the heartbeat), and stop() releases unfinished
// tasks so another worker takes them at once instead of waiting for the lease to lapse.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createWorker, FanoutClient, type FanoutWorker, type ItemContext } from "@fanout/sdk";
import { startApi, waitFor, type ApiHarness } from "./support";

let api: ApiHarness;
let client: FanoutClient;
let key: string;
const workers: FanoutWorker[] = [];
const silent = { info() {}, warn() {}, error() {} };

function worker(handler: (item: unknown, ctx: ItemContext) => Promise<unknown>, extra: Partial<Parameters<typeof createWorker>[0]> = {}) {
  const w = createWorker({ url: api.url, apiKey: key, handlers: { hold: handler }, handleSignals: false, logger: silent, visibilityMs: 1500, ...extra });
  workers.push(w);
  return w;
}
/** Resolves when the signal aborts, with its reason's message. */
const aborted = (signal: AbortSignal) => new Promise<string>((r) => signal.addEventListener("abort", () => r(String((signal.reason as Error).message)), { once: true }));

beforeAll(async () => {
  api = await startApi({ leaseMs: 1000 });
  const t = await api.tenant("sdkw");
  key = t.key;
  client = new FanoutClient({ url: api.url, apiKey: key });
  await client.handlers.register({ name: "hold", maxAttempts: 5 });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await api?.close();
});

it("aborts a handler when the task times out and reports it as a failed attempt", async () => {
  const reasons: string[] = [];
  const w = worker(async (item, ctx) => {
    if (ctx.attempt === 1) reasons.push(await aborted(ctx.signal)); // hang until the timeout fires
    return item;
  });
  await w.start();
  const job = await client.submit({ handler: "hold", input: { items: ["x"] }, timeoutMs: 300, backoff: { baseMs: 10, maxMs: 10 } });
  const done = await client.waitUntilDone(job.id, { timeoutMs: 30_000 });
  expect(done.status).toBe("succeeded");
  expect(reasons).toEqual(["task timed out after 300 ms"]);
  const results = [];
  for await (const r of client.results(job.id)) results.push(r);
  expect(results).toEqual([{ index: 0, status: "succeeded", output: "x" }]);
  await w.stop();
});

it("aborts work whose lease was lost (the heartbeat says it is no longer held)", async () => {
  let reason: Promise<string> | undefined;
  const w = worker(async (_item, ctx) => {
    if (ctx.attempt === 1) {
      reason = aborted(ctx.signal);
      await reason;
      throw new Error("gave up");
    }
    return "second";
  });
  await w.start();
  const job = await client.submit({ handler: "hold", input: { items: ["y"] } });
  const task = await waitFor(() => api.db.prisma.task.findFirst({ where: { jobId: job.id, status: "running" } }), (t) => t !== null, 20_000);
  // Someone else now holds it: a newer attempt supersedes our lease (as after a lapse).
  await api.db.prisma.task.update({ where: { jobId_seq: { jobId: job.id, seq: task!.seq } }, data: { attempt: { increment: 1 }, workerId: "someone-else" } });
  expect(await waitFor(async () => reason, (r) => r !== undefined, 5000).then((r) => r)).toBe("lease lost (expired or superseded)");
  expect(w.stats.reported).toBe(0); // it did not try to report a lease it lost
  await w.stop();
});

it("stop() lets finished work report and releases the rest, which another worker picks up at once", async () => {
  let started = 0;
  const first = worker(async (item, ctx) => {
    started++;
    await aborted(ctx.signal); // never finishes on its own
    return item;
  }, { concurrency: 2, shutdownGraceMs: 200 });
  await first.start();
  const job = await client.submit({ handler: "hold", input: { items: ["a", "b"] }, chunkSize: 1 });
  await waitFor(async () => started, (n) => n === 2, 20_000);
  const t0 = Date.now();
  await first.stop();
  const tasks = await api.db.prisma.task.findMany({ where: { jobId: job.id } });
  expect(tasks.map((t) => [t.status, t.workerId])).toEqual([["queued", null], ["queued", null]]);
  const second = worker(async (item) => `${item}!`, { visibilityMs: 30_000 });
  await second.start();
  const done = await client.waitUntilDone(job.id, { timeoutMs: 20_000 });
  // Well before the 1.5 s visibility timeout would have handed them over.
  expect(Date.now() - t0).toBeLessThan(1500);
  expect(done.status).toBe("succeeded");
});

it("a long poll whose client went away ends holding nothing: the request's signal stops it, and anything it leased meanwhile is released", async () => {
  // Its own handler: earlier tests leave "hold" tasks behind (the superseded one comes back).
  await client.handlers.register({ name: "poll" });
  const body = (workerId: string, waitMs: number) => JSON.stringify({ workerId, handlers: ["poll"], max: 1, visibilityMs: 60_000, waitMs });
  const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
  const gone = new AbortController();
  const abandoned = fetch(`${api.url}/api/v1/workers/lease`, { method: "POST", headers, body: body("gone", 20_000), signal: gone.signal }).catch(() => null);
  await new Promise((r) => setTimeout(r, 300));
  gone.abort();
  await abandoned;
  await new Promise((r) => setTimeout(r, 200));
  const job = await client.submit({ handler: "poll", input: { items: ["z"] } });
  // Had the abandoned poll kept waiting, it would hold this task for its 60 s visibility.
  const res = await fetch(`${api.url}/api/v1/workers/lease`, { method: "POST", headers, body: body("present", 10_000) });
  const { tasks } = (await res.json()) as { tasks: { jobId: string }[] };
  expect(tasks.map((t) => t.jobId)).toEqual([job.id]);
  expect(await api.db.prisma.task.count({ where: { jobId: job.id, workerId: "gone" } })).toBe(0);
});

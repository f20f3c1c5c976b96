// A job's whole life over REST with a real scheduler and worker: create, watch it finish,
// page through results in item order, and inspect and redrive dead letters.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, createKey, createTenant, silentLogger, type Fixture } from "../test-support";
import { createRestHandler, type RestHandler } from "./index";

let fx: Fixture;
let handle: RestHandler;
let key: string;

async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await handle(new Request(`http://fanout.test/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  }));
  return { status: res.status, body: (await res.json()) as T };
}

interface JobBody { id: string; status: string; progress: Record<string, number> }

async function waitForStatus(id: string, done: (j: JobBody) => boolean, timeoutMs = 20_000): Promise<JobBody> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call<JobBody>("GET", `/jobs/${id}`);
    if (done(body)) return body;
    if (Date.now() > end) throw new Error(`job ${id} still ${body.status}: ${JSON.stringify(body.progress)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  fx = await createFixture();
  handle = createRestHandler({ engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger });
  const t = await createTenant(fx.db, "flow");
  key = await createKey(fx.db, t.id, ["jobs:read", "jobs:write"]);
  await fx.engine.createScheduler().start();
  await fx.engine.createWorker({ concurrency: 4 }).start();
});

afterAll(async () => {
  await fx?.close();
});

describe("a job's life over REST", () => {
  it("runs a sha256 job and pages its results in item order", async () => {
    const items = Array.from({ length: 7 }, (_, i) => (i % 2 ? `item-${i}` : { n: i }));
    const created = await call<JobBody>("POST", "/jobs", { handler: "sha256", input: { items }, chunkSize: 2 });
    expect(created.status).toBe(201);
    const job = await waitForStatus(created.body.id, (j) => j.status === "succeeded");
    expect(job.progress).toMatchObject({ total: 7, succeeded: 7, dead: 0, queued: 0, running: 0 });

    const seen: { index: number; status: string; output: string }[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await call<{ data: typeof seen; nextCursor: string | null }>("GET", `/jobs/${job.id}/results?limit=3${q}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor);
    const hash = (v: unknown) => createHash("sha256").update(typeof v === "string" ? v : JSON.stringify(v)).digest("hex");
    expect(seen).toEqual(items.map((item, index) => ({ index, status: "succeeded", output: hash(item) })));

    const tasks = await call<{ data: { seq: number; itemCount: number }[] }>("GET", `/jobs/${job.id}/tasks`);
    expect(tasks.body.data.map((t) => t.itemCount)).toEqual([2, 2, 2, 1]);
  });

  it("lists dead letters and redrives them", async () => {
    const created = await call<JobBody>("POST", "/jobs", {
      handler: "fail", maxAttempts: 1, input: { items: [{ failTimes: 0 }, { failTimes: -1 }] },
    });
    expect(created.status).toBe(201);
    const job = await waitForStatus(created.body.id, (j) => j.status === "failed");
    expect(job.progress).toMatchObject({ succeeded: 1, dead: 1 });

    const dead = await call<{ data: { index: number; attempts: number; error: string }[] }>("GET", `/jobs/${job.id}/dead-letters`);
    expect(dead.status).toBe(200);
    expect(dead.body.data).toHaveLength(1);
    expect(dead.body.data[0]).toMatchObject({ index: 1, attempts: 1 });
    expect(dead.body.data[0].error.length).toBeGreaterThan(0);

    const results = await call<{ data: { index: number; status: string }[] }>("GET", `/jobs/${job.id}/results`);
    expect(results.body.data.map((r) => [r.index, r.status])).toEqual([[0, "succeeded"], [1, "dead"]]);

    const redriven = await call<JobBody>("POST", `/jobs/${job.id}/redrive`);
    expect(redriven.status).toBe(200);
    expect(redriven.body.id).toBe(job.id);
    expect(redriven.body.status).toBe("running");
    expect(redriven.body.progress.dead).toBe(0);
    // failTimes -1 fails forever: it ends dead again, after another attempt.
    const again = await waitForStatus(job.id, (j) => j.status === "failed");
    expect(again.progress).toMatchObject({ succeeded: 1, dead: 1 });
    const deadAgain = await call<{ data: { index: number; attempts: number }[] }>("GET", `/jobs/${job.id}/dead-letters`);
    expect(deadAgain.body.data.map((d) => d.index)).toEqual([1]);
  });

  it("cancels a running job", async () => {
    const created = await call<JobBody>("POST", "/jobs", { handler: "sleep", input: { items: [5000, 5000, 5000] }, chunkSize: 1 });
    await waitForStatus(created.body.id, (j) => j.progress.running > 0);
    const cancelled = await call<JobBody>("POST", `/jobs/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
  });
});

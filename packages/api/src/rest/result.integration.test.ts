// Job reducers over REST and tRPC with a real scheduler and worker: every answer is checked
// against the OpenAPI document; bad `reduce` values are a 400 that writes nothing; another
// tenant's job is a 404 on both the job and its /result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../openapi/document";
import { createContractChecker } from "../openapi/contract-check";
import { createFixture, createKey, createTenant, silentLogger, type Fixture } from "../test-support";
import { appRouter, createCallerFactory, createTrpcContext } from "../trpc/index";
import { createRestHandler, type RestHandler } from "./index";

const checker = createContractChecker(buildOpenApiDocument() as Record<string, any>);
let fx: Fixture;
let handle: RestHandler;
let keyA: string;
let keyB: string;
let tenantA: string;

async function call(method: string, path: string, o: { key?: string; body?: unknown } = {}) {
  const url = `http://fanout.test/api/v1${path}`;
  const headers: Record<string, string> = { authorization: `Bearer ${o.key ?? keyA}` };
  if (o.body !== undefined) headers["content-type"] = "application/json";
  const res = await handle(new Request(url, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) }));
  return { status: res.status, body: (await checker.check(method, url, res)) as any };
}

async function finished(id: string) {
  for (let i = 0; i < 400; i++) {
    const { body } = await call("GET", `/jobs/${id}`);
    if (["succeeded", "failed", "cancelled"].includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

const counts = async () => ({ jobs: await fx.db.prisma.job.count(), tasks: await fx.db.prisma.task.count(), handlers: await fx.db.prisma.remoteHandler.count() });

beforeAll(async () => {
  fx = await createFixture();
  handle = createRestHandler({ engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger });
  const a = await createTenant(fx.db, "reduce-a");
  const b = await createTenant(fx.db, "reduce-b");
  tenantA = a.id;
  keyA = await createKey(fx.db, a.id, ["jobs:read", "jobs:write"]);
  keyB = await createKey(fx.db, b.id, ["jobs:read", "jobs:write"]);
  await fx.engine.createScheduler().start();
  await fx.engine.createWorker({ concurrency: 4 }).start();
});

afterAll(async () => {
  await fx?.close();
});

// Three tasks of two items. sleep outputs the milliseconds it slept and throws on a negative
// or a non-number, so with one attempt -5 and "x" end dead: the outputs are 3, 1, 4, 2.
const items = [3, 1, -5, 4, "x", 2];

describe("GET /jobs/{id}/result and result on the job", () => {
  it.each([
    ["sum", 10, 4],
    ["count", 4, 4],
    ["min", 1, 4],
    ["max", 4, 4],
    ["collect", [3, 1, 4, 2], 4],
  ] as const)("%s over a multi-task job with dead items", async (reduce, value, count) => {
    const created = await call("POST", "/jobs", { body: { handler: "sleep", input: { items }, chunkSize: 2, maxAttempts: 1, reduce } });
    expect(created.status).toBe(201);
    const job = await finished(created.body.id);
    expect(job.status).toBe("failed");
    expect(job.progress).toMatchObject({ succeeded: 4, dead: 2 });
    const want = { reducer: reduce, value, count, skipped: 0, truncated: false, final: true };
    expect(job.result).toEqual(want);
    expect((await call("GET", `/jobs/${job.id}/result`)).body).toEqual(want);
    // Stored once on the job row, so later reads are O(1).
    const row = await fx.db.prisma.job.findUniqueOrThrow({ where: { id: job.id }, select: { reducer: true, result: true } });
    expect(row).toEqual({ reducer: reduce, result: { value, count, skipped: 0, truncated: false } });
  });

  it("reports non-numeric outputs as skipped and a live partial as not final", async () => {
    const echo = await call("POST", "/jobs", { body: { handler: "echo", input: { items: [1, "two", null, 3.5] }, reduce: "sum" } });
    expect((await finished(echo.body.id)).result).toMatchObject({ value: 4.5, count: 2, skipped: 2, final: true });
    const slow = await call("POST", "/jobs", { body: { handler: "sleep", input: { items: [5_000] }, reduce: "max" } });
    const live = await call("GET", `/jobs/${slow.body.id}/result`);
    expect(live.body).toEqual({ reducer: "max", value: null, count: 0, skipped: 0, truncated: false, final: false });
    expect((await call("POST", `/jobs/${slow.body.id}/cancel`)).status).toBe(200);
    expect((await call("GET", `/jobs/${slow.body.id}/result`)).body).toMatchObject({ count: 0, final: true });
  });

  it("lists no result on the jobs list (single-job reads only)", async () => {
    const list = await call("GET", "/jobs?limit=5");
    expect(list.body.data.length).toBeGreaterThan(0);
    for (const j of list.body.data) expect(j.result).toBeUndefined();
  });

  it("answers 404 for another tenant's job and for an id that does not exist", async () => {
    const mine = await call("POST", "/jobs", { body: { handler: "echo", input: { items: [1] }, reduce: "sum" } });
    await finished(mine.body.id);
    for (const path of [`/jobs/${mine.body.id}/result`, `/jobs/${mine.body.id}`]) {
      const theirs = await call("GET", path, { key: keyB });
      expect(theirs.status).toBe(404);
      expect(theirs.body.error.code).toBe("not_found");
    }
    expect((await call("GET", "/jobs/00000000-0000-4000-8000-000000000000/result")).status).toBe(404);
    // The other tenant's read stored nothing and changed nothing.
    expect((await call("GET", `/jobs/${mine.body.id}/result`)).body).toMatchObject({ value: 1, final: true });
  });
});

describe("bad reduce values", () => {
  it.each([["avg"], ["SUM"], [3], [null], [{ fn: "sum" }]])("reduce %j is a 400 naming the field, and writes nothing", async (reduce) => {
    const before = await counts();
    const res = await call("POST", "/jobs", { body: { handler: "echo", input: { items: [1] }, reduce } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: "invalid_field", message: "reduce: must be one of collect, sum, count, min, max", field: "reduce" } });
    expect(await counts()).toEqual(before);
  });

  it("a handler's declared reducer is validated the same way", async () => {
    const before = await counts();
    const res = await call("POST", "/handlers", { body: { name: "score", reducer: "median" } });
    expect([res.status, res.body.error.field]).toEqual([400, "reducer"]);
    expect(await counts()).toEqual(before);
  });
});

describe("handler-declared reducers", () => {
  it("a registered handler's reducer is shown and applies to its jobs unless they set reduce", async () => {
    const reg = await call("POST", "/handlers", { body: { name: "score", reducer: "sum" } });
    expect(reg.body).toMatchObject({ name: "score", reducer: "sum" });
    expect((await call("GET", "/handlers")).body.data).toEqual([expect.objectContaining({ name: "score", reducer: "sum" })]);
    const dflt = await call("POST", "/jobs", { body: { handler: "score", input: { items: [1] } } });
    expect((await call("GET", `/jobs/${dflt.body.id}/result`)).body.reducer).toBe("sum");
    const own = await call("POST", "/jobs", { body: { handler: "score", input: { items: [1] }, reduce: "collect" } });
    expect((await call("GET", `/jobs/${own.body.id}`)).body.result.reducer).toBe("collect");
    for (const id of [dflt.body.id, own.body.id]) await call("POST", `/jobs/${id}/cancel`);
  });

  it("built-in handlers declare theirs: noop counts, sleep sums", async () => {
    const noop = await call("POST", "/jobs", { body: { handler: "noop", input: { range: { from: 0, to: 20 } } } });
    expect((await finished(noop.body.id)).result).toMatchObject({ reducer: "count", value: 20 });
    const sleep = await call("POST", "/jobs", { body: { handler: "sleep", input: { items: [1, 2, 3] } } });
    expect((await finished(sleep.body.id)).result).toMatchObject({ reducer: "sum", value: 6 });
  });
});

describe("tRPC jobs.get", () => {
  it("carries the same result, scoped to the tenant", async () => {
    const user = await fx.db.prisma.user.create({ data: { email: "reduce@example.test", passwordHash: "x" } });
    await fx.db.prisma.membership.create({ data: { userId: user.id, tenantId: tenantA, role: "viewer" } });
    const trpc = createCallerFactory(appRouter)(await createTrpcContext({ engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger }, { user: { id: user.id, isPlatformAdmin: false }, tenantId: tenantA }));
    const created = await call("POST", "/jobs", { body: { handler: "echo", input: { items: [2, 7] }, reduce: "max" } });
    await finished(created.body.id);
    expect((await trpc.jobs.get({ id: created.body.id })).result).toEqual({ reducer: "max", value: 7, count: 2, skipped: 0, truncated: false, final: true });
    const other = await call("POST", "/jobs", { key: keyB, body: { handler: "echo", input: { items: [1] } } });
    await expect(trpc.jobs.get({ id: other.body.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

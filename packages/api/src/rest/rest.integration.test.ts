// The REST layer against a real database, real Redis and the real engine: bad input is a
// 4xx naming the field and writes nothing; tenants cannot see each other; auth is enforced.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, createKey, createTenant, silentLogger, type Fixture } from "../test-support";
import { createRestHandler, healthResponse, type RestHandler } from "./index";

let fx: Fixture;
let handle: RestHandler;
let keyA: string; // tenant A, read + write
let keyARead: string; // tenant A, read only
let keyB: string; // tenant B, read + write
let jobA: string; // a job of tenant A

const BASE = "http://fanout.test/api/v1";
const okBody = { handler: "sha256", input: { items: ["a", "b", "c"] } };

function req(path: string, init: { method?: string; key?: string | null; body?: unknown; raw?: BodyInit; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers.authorization = `Bearer ${init.key ?? keyA}`;
  let body: BodyInit | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  return handle(new Request(`${BASE}${path}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body, duplex: "half" } as RequestInit));
}

async function expectError(res: Response, status: number, code: string, field?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string; field?: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  if (field !== undefined) expect(body.error.field).toBe(field);
  return body;
}

const counts = async () => ({ jobs: await fx.db.prisma.job.count(), tasks: await fx.db.prisma.task.count() });

beforeAll(async () => {
  fx = await createFixture();
  handle = createRestHandler({ engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger });
  const a = await createTenant(fx.db, "tenant-a");
  const b = await createTenant(fx.db, "tenant-b");
  keyA = await createKey(fx.db, a.id, ["jobs:read", "jobs:write"]);
  keyARead = await createKey(fx.db, a.id, ["jobs:read"]);
  keyB = await createKey(fx.db, b.id, ["jobs:read", "jobs:write"]);
  const res = await req("/jobs", { body: okBody });
  expect(res.status).toBe(201);
  jobA = ((await res.json()) as { id: string }).id;
});

afterAll(async () => {
  await fx?.close();
});

describe("authentication and scopes", () => {
  it("answers 401 without a key, with a malformed header and with an unknown key", async () => {
    await expectError(await req("/jobs", { key: null }), 401, "unauthorized");
    await expectError(await req("/jobs", { key: null, headers: { authorization: "Basic abc" } }), 401, "unauthorized");
    await expectError(await req("/jobs", { key: "fo_not_a_real_key_123456" }), 401, "unauthorized");
    await expectError(await req("/jobs", { key: null, body: okBody }), 401, "unauthorized");
  });

  it("answers 401 for a revoked key", async () => {
    const t = await fx.db.prisma.tenant.findUniqueOrThrow({ where: { slug: "tenant-a" } });
    const key = await createKey(fx.db, t.id, ["jobs:read"]);
    expect((await req("/jobs", { key })).status).toBe(200);
    await fx.db.prisma.apiKey.updateMany({ where: { tenantId: t.id, revokedAt: null, scopes: { equals: ["jobs:read"] } }, data: { revokedAt: new Date() } });
    await expectError(await req("/jobs", { key }), 401, "unauthorized");
    keyARead = await createKey(fx.db, t.id, ["jobs:read"]);
  });

  it("answers 403 insufficient_scope when a read-only key mutates, and writes nothing", async () => {
    const before = await counts();
    await expectError(await req("/jobs", { key: keyARead, body: okBody }), 403, "insufficient_scope");
    await expectError(await req(`/jobs/${jobA}/cancel`, { key: keyARead, method: "POST" }), 403, "insufficient_scope");
    await expectError(await req(`/jobs/${jobA}/redrive`, { key: keyARead, method: "POST" }), 403, "insufficient_scope");
    expect(await counts()).toEqual(before);
    expect((await req(`/jobs/${jobA}`, { key: keyARead })).status).toBe(200);
  });
});

describe("bad input is a 4xx naming the field, and nothing is written", () => {
  const cases: { name: string; init: Parameters<typeof req>[1]; status: number; code: string; field?: string }[] = [
    { name: "malformed JSON", init: { raw: '{"handler": "sha256", "input": ', headers: { "content-type": "application/json" } }, status: 400, code: "invalid_json" },
    { name: "invalid UTF-8", init: { raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), headers: { "content-type": "application/json" } }, status: 400, code: "invalid_json" },
    { name: "empty body", init: { raw: "", method: "POST", headers: { "content-type": "application/json" } }, status: 400, code: "invalid_json" },
    { name: "a JSON array body", init: { body: [okBody] }, status: 400, code: "invalid_field" },
    { name: "wrong content type", init: { raw: JSON.stringify(okBody), headers: { "content-type": "text/plain" } }, status: 415, code: "unsupported_media_type" },
    { name: "priority of the wrong type", init: { body: { ...okBody, priority: "high" } }, status: 400, code: "invalid_field", field: "priority" },
    { name: "priority out of range", init: { body: { ...okBody, priority: 11 } }, status: 400, code: "invalid_field", field: "priority" },
    { name: "handler of the wrong type", init: { body: { ...okBody, handler: 42 } }, status: 400, code: "invalid_field", field: "handler" },
    { name: "unknown handler", init: { body: { ...okBody, handler: "does-not-exist" } }, status: 400, code: "unknown_handler", field: "handler" },
    { name: "empty items", init: { body: { handler: "echo", input: { items: [] } } }, status: 400, code: "invalid_field", field: "input.items" },
    { name: "range with to <= from", init: { body: { handler: "noop", input: { range: { from: 5, to: 5 } } } }, status: 400, code: "invalid_field", field: "input.range.to" },
    { name: "non-integer chunkSize", init: { body: { ...okBody, chunkSize: 1.5 } }, status: 400, code: "invalid_field", field: "chunkSize" },
    { name: "an unknown field", init: { body: { ...okBody, colour: "red" } }, status: 400, code: "unknown_field" },
    { name: "a bad Idempotency-Key", init: { body: okBody, headers: { "idempotency-key": "has spaces in it" } }, status: 400, code: "invalid_field", field: "Idempotency-Key" },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      const before = await counts();
      await expectError(await req("/jobs", c.init), c.status, c.code, c.field);
      expect(await counts()).toEqual(before);
    });
  }

  it("refuses a body over the limit by Content-Length with 413", async () => {
    const before = await counts();
    const big = JSON.stringify({ handler: "echo", input: { items: ["x".repeat(11 * 1024 * 1024)] } });
    await expectError(await req("/jobs", { raw: big, headers: { "content-type": "application/json" } }), 413, "payload_too_large");
    expect(await counts()).toEqual(before);
  });

  it("stops reading a streamed body (no Content-Length) once it passes the limit", async () => {
    const small = createRestHandler({ engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger, maxBodyBytes: 1024 });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctrl) {
        pulled++;
        if (pulled > 1000) return ctrl.close();
        ctrl.enqueue(new TextEncoder().encode(" ".repeat(512)));
      },
    });
    const res = await small(new Request(`${BASE}/jobs`, {
      method: "POST", body: stream, duplex: "half",
      headers: { authorization: `Bearer ${keyA}`, "content-type": "application/json" },
    } as RequestInit));
    await expectError(res, 413, "payload_too_large");
    expect(pulled).toBeLessThan(10);
  });

  it("rejects bad list queries with the parameter as field", async () => {
    await expectError(await req("/jobs?limit=0"), 400, "invalid_field", "limit");
    await expectError(await req("/jobs?status=exploded"), 400, "invalid_field", "status");
    await expectError(await req(`/jobs/${jobA}/results?limit=abc`), 400, "invalid_field", "limit");
  });
});

describe("routing", () => {
  it("answers 404 for unknown routes and 405 with Allow for wrong methods", async () => {
    await expectError(await req("/nope"), 404, "not_found");
    await expectError(await req(`/jobs/${jobA}/explode`), 404, "not_found");
    const res = await req(`/jobs/${jobA}`, { method: "DELETE" });
    expect(res.headers.get("allow")).toBe("GET");
    await expectError(res, 405, "method_not_allowed");
    await expectError(await req("/jobs", { method: "PUT" }), 405, "method_not_allowed");
  });
});

describe("creating jobs", () => {
  it("answers 201 with the contract's job shape and a Location", async () => {
    const res = await req("/jobs", { body: { handler: "noop", input: { range: { from: 0, to: 10 } }, name: "ten" } });
    expect(res.status).toBe(201);
    const job = (await res.json()) as Record<string, unknown>;
    expect(res.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
    expect(job).toMatchObject({ name: "ten", handler: "noop", status: "queued", startedAt: null, finishedAt: null });
    expect(job.progress).toMatchObject({ total: 10, succeeded: 0, dead: 0 });
    expect(job.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("honours Idempotency-Key: 200 with the original for the same body, 409 for another", async () => {
    const headers = { "idempotency-key": `k-${randomUUID()}` };
    const first = await req("/jobs", { body: okBody, headers });
    expect(first.status).toBe(201);
    const original = (await first.json()) as { id: string };
    const before = await counts();
    const again = await req("/jobs", { body: okBody, headers });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(original.id);
    await expectError(await req("/jobs", { body: { ...okBody, priority: 3 }, headers }), 409, "idempotency_key_reused");
    expect(await counts()).toEqual(before);
  });
});

describe("tenant isolation", () => {
  const idRoutes = (id: string): [string, string][] => [
    ["GET", `/jobs/${id}`],
    ["GET", `/jobs/${id}/results`],
    ["GET", `/jobs/${id}/tasks`],
    ["GET", `/jobs/${id}/dead-letters`],
    ["POST", `/jobs/${id}/cancel`],
    ["POST", `/jobs/${id}/redrive`],
  ];

  it("answers another tenant's job id with 404 on every route, exactly like a missing id", async () => {
    for (const [method, path] of idRoutes(jobA)) {
      const foreign = await expectError(await req(path, { method, key: keyB }), 404, "not_found");
      const missing = await expectError(await req(path.replace(jobA, randomUUID()), { method, key: keyB }), 404, "not_found");
      expect(foreign).toEqual(missing);
    }
    const job = await fx.db.prisma.job.findUniqueOrThrow({ where: { id: jobA } });
    expect(job.status).not.toBe("cancelled");
  });

  it("answers a malformed job id with the same 404", async () => {
    for (const [method, path] of idRoutes("not-a-uuid")) {
      const body = await expectError(await req(path, { method }), 404, "not_found");
      const missing = await expectError(await req(path.replace("not-a-uuid", randomUUID()), { method }), 404, "not_found");
      expect(body).toEqual(missing);
    }
  });

  it("lists only the caller's jobs", async () => {
    const res = await req("/jobs?limit=200", { key: keyB });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { data: { id: string }[]; nextCursor: string | null };
    expect(page.data.map((j) => j.id)).not.toContain(jobA);
    const mine = (await (await req("/jobs?limit=200")).json()) as { data: { id: string }[] };
    expect(mine.data.map((j) => j.id)).toContain(jobA);
  });
});

describe("unexpected errors and health", () => {
  it("answers 500 internal_error without leaking the cause, and logs it", async () => {
    const broken = { ...fx.engine, listJobs: async () => { throw new Error("secret connection string postgres://x"); } };
    const h = createRestHandler({ engine: broken, prisma: fx.db.prisma, logger: silentLogger });
    const logged = silentLogger.errors.length;
    const res = await h(new Request(`${BASE}/jobs`, { headers: { authorization: `Bearer ${keyA}` } }));
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text).error.code).toBe("internal_error");
    expect(text).not.toContain("secret");
    expect(text).not.toContain("at ");
    expect(silentLogger.errors.length).toBe(logged + 1);
  });

  it("reports health as 200 ok, or 503 when a dependency is down", async () => {
    const ok = await healthResponse(fx.engine);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok" });
    const down = await healthResponse({ health: async () => ({ postgres: true, redis: false }) });
    expect(down.status).toBe(503);
    const hung = await healthResponse({ health: () => new Promise(() => {}) }, 50);
    expect(hung.status).toBe(503);
  });
});

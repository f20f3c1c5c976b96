// The OpenAPI document validates as OpenAPI 3.1, documents every route, and real answers
// of the REST handler (real Postgres, Redis, engine, scheduler and worker) match it.
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, createKey, createTenant, silentLogger, type Fixture } from "../test-support";
import { createRestHandler, healthResponse, type RestHandler } from "../rest/index";
import { ROUTES } from "../rest/routes";
import { buildOpenApiDocument } from "./document";
import { createContractChecker } from "./contract-check";

const doc = buildOpenApiDocument() as Record<string, any>;
const checker = createContractChecker(doc);
let fx: Fixture;
let handle: RestHandler;
let small: RestHandler; // same, with a 2 KiB body cap to provoke 413
let key: string; // jobs:read + jobs:write
let readKey: string;
let workerKey: string;
let limitedKey: string; // a tenant whose submit rate is 0 and max priority 5
let tenantId: string;

async function call(method: string, path: string, o: { key?: string | null; body?: unknown; raw?: string; type?: string; headers?: Record<string, string>; via?: RestHandler } = {}) {
  const url = `http://fanout.test${path}`;
  const headers: Record<string, string> = { ...o.headers };
  if (o.key !== null) headers.authorization = `Bearer ${o.key ?? key}`;
  const body = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  if (body !== undefined) headers["content-type"] = o.type ?? "application/json";
  const res = await (o.via ?? handle)(new Request(url, { method, headers, body }));
  const parsed = (await checker.check(method, url, res)) as any;
  return { status: res.status, body: parsed, headers: res.headers };
}

async function until(path: string, ok: (j: any) => boolean) {
  for (let i = 0; i < 400; i++) {
    const r = await call("GET", path);
    if (ok(r.body)) return r.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting on ${path}`);
}

beforeAll(async () => {
  fx = await createFixture();
  const deps = { engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger, secretKey: "k".repeat(32) };
  handle = createRestHandler(deps);
  small = createRestHandler({ ...deps, maxBodyBytes: 2048 });
  const t = await createTenant(fx.db, "openapi");
  tenantId = t.id;
  key = await createKey(fx.db, t.id, ["jobs:read", "jobs:write"]);
  readKey = await createKey(fx.db, t.id, ["jobs:read"]);
  workerKey = await createKey(fx.db, t.id, ["workers"]);
  const limited = await createTenant(fx.db, "limited");
  await fx.db.prisma.quota.create({ data: { tenantId: limited.id, submitRatePerSec: 0, maxPriority: 5 } });
  limitedKey = await createKey(fx.db, limited.id, ["jobs:write"]);
  await fx.engine.createScheduler().start();
  await fx.engine.createWorker({ concurrency: 2 }).start();
});

afterAll(async () => {
  await fx?.close();
});

describe("the OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const v = new Validator();
    const r = await v.validate(doc);
    expect(r.errors ?? []).toEqual([]);
    expect(r.valid).toBe(true);
    expect(v.version).toBe("3.1");
  });

  it("documents every REST route and method, with a security scheme and error responses", () => {
    for (const route of ROUTES) {
      const path = "/api/v1/" + route.segments.map((s) => (s.startsWith(":") ? `{${s.slice(1)}}` : s)).join("/");
      for (const method of Object.keys(route.methods)) expect(doc.paths[path]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths["/api/health"].get).toBeDefined();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    for (const s of [401, 403, 404, 409, 413, 415, 422, 429]) expect(doc.components.responses[`E${s}`].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
  });

  it("is served without a key at /api/v1/openapi.json", async () => {
    const r = await call("GET", "/api/v1/openapi.json", { key: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(doc);
  });
});

describe("real responses match the document", () => {
  it("jobs: create (RateLimit headers), idempotency, list, get, results, tasks, cancel, pause/resume", async () => {
    const created = await call("POST", "/api/v1/jobs", { body: { handler: "sha256", input: { items: ["a", "b"] } }, headers: { "idempotency-key": "k1" } });
    expect(created.status).toBe(201);
    expect(created.headers.get("ratelimit")).toMatch(/^"submit";r=\d+;t=\d+$/);
    expect(created.headers.get("ratelimit-policy")).toMatch(/^"submit";q=\d+;w=\d+$/);
    const again = await call("POST", "/api/v1/jobs", { body: { handler: "sha256", input: { items: ["a", "b"] } }, headers: { "idempotency-key": "k1" } });
    expect([again.status, again.body.id, again.headers.get("ratelimit") !== null]).toEqual([200, created.body.id, true]);
    expect((await call("POST", "/api/v1/jobs", { body: { handler: "echo", input: { items: [1] } }, headers: { "idempotency-key": "k1" } })).status).toBe(409);
    const id = created.body.id;
    await until(`/api/v1/jobs/${id}`, (j) => j.status === "succeeded");
    expect((await call("GET", "/api/v1/jobs?limit=5")).body.data.length).toBeGreaterThan(0);
    expect((await call("GET", `/api/v1/jobs/${id}/results`)).body.data).toHaveLength(2);
    expect((await call("GET", `/api/v1/jobs/${id}/tasks`)).status).toBe(200);

    const slow = (await call("POST", "/api/v1/jobs", { body: { handler: "sleep", input: { items: Array(50).fill(200) }, chunkSize: 1 } })).body.id;
    expect((await call("POST", `/api/v1/jobs/${slow}/pause`)).body.paused).toBe(true);
    expect((await call("POST", `/api/v1/jobs/${slow}/resume`)).body.paused).toBe(false);
    expect((await call("POST", `/api/v1/jobs/${slow}/cancel`)).body.status).toBe("cancelled");
  });

  it("dead letters: list, groups, discard, redrive with and without a body", async () => {
    const items = [{ failTimes: -1 }, { failTimes: -1 }, { failTimes: 0 }];
    const id = (await call("POST", "/api/v1/jobs", { body: { handler: "fail", input: { items }, maxAttempts: 1, chunkSize: 1 } })).body.id;
    await until(`/api/v1/jobs/${id}`, (j) => j.status === "failed");
    expect((await call("GET", `/api/v1/jobs/${id}/dead-letters`)).body.data.map((d: any) => d.index)).toEqual([0, 1]);
    const groups = (await call("GET", `/api/v1/jobs/${id}/dead-letters?groupBy=fingerprint`)).body;
    expect(groups).toMatchObject({ groupBy: "fingerprint", data: [{ count: 2, firstIndex: 0 }] });
    expect((await call("POST", `/api/v1/jobs/${id}/dead-letters/discard`, { body: { indexes: [1] } })).body).toEqual({ discarded: 1 });
    expect((await call("POST", `/api/v1/jobs/${id}/redrive`, { body: { fingerprint: groups.data[0].fingerprint } })).status).toBe(200);
    await until(`/api/v1/jobs/${id}`, (j) => j.status === "failed");
    expect((await call("POST", `/api/v1/jobs/${id}/redrive`)).status).toBe(200); // the contract's bodiless call
    expect((await call("POST", `/api/v1/jobs/${id}/redrive`, { body: { indexes: [] } })).status).toBe(400);
  });

  it("handlers and the worker protocol, including 409 lease_expired", async () => {
    expect((await call("POST", "/api/v1/handlers", { body: { name: "resize", timeoutMs: 5000 } })).body).toMatchObject({ name: "resize", timeoutMs: 5000 });
    expect((await call("POST", "/api/v1/handlers", { body: { name: "echo" } })).status).toBe(409);
    expect((await call("GET", "/api/v1/handlers")).body.data.map((h: any) => h.name)).toEqual(["resize"]);
    const id = (await call("POST", "/api/v1/jobs", { body: { handler: "resize", input: { items: ["x"] } } })).body.id;
    const lease = { workerId: "w1", handlers: ["resize"], waitMs: 5000, visibilityMs: 1000 };
    expect((await call("POST", "/api/v1/workers/lease", { body: lease })).status).toBe(403); // needs the workers scope
    const got = (await call("POST", "/api/v1/workers/lease", { key: workerKey, body: lease })).body.tasks;
    expect(got).toHaveLength(1);
    const ref = { jobId: got[0].jobId, seq: got[0].seq, attempt: got[0].attempt };
    const hb = await call("POST", "/api/v1/workers/heartbeat", { key: workerKey, body: { workerId: "w1", handlers: ["resize"], concurrency: 1, leases: [ref] } });
    expect(hb.body.held).toHaveLength(1);
    expect((await call("POST", "/api/v1/workers/release", { key: workerKey, body: { workerId: "w1", leases: [ref] } })).body).toEqual({ released: 1 });
    const stale = await call("POST", "/api/v1/workers/report", { key: workerKey, body: { workerId: "w1", ...ref, items: [{ index: 0, output: "late" }] } });
    expect([stale.status, stale.body.error.code]).toEqual([409, "lease_expired"]);
    const again = (await call("POST", "/api/v1/workers/lease", { key: workerKey, body: lease })).body.tasks[0];
    const ok = await call("POST", "/api/v1/workers/report", { key: workerKey, body: { workerId: "w1", jobId: again.jobId, seq: again.seq, attempt: again.attempt, items: [{ index: 0, output: "X" }] } });
    expect(ok.body).toEqual({ jobStatus: "succeeded" });
    expect((await call("GET", `/api/v1/jobs/${id}/results`)).body.data).toEqual([{ index: 0, status: "succeeded", output: "X" }]);
    expect((await call("DELETE", "/api/v1/handlers/resize")).status).toBe(204);
    expect((await call("DELETE", "/api/v1/handlers/resize")).status).toBe(404);
  });

  it("webhooks: the secret is stable and encrypted at rest; deliveries list", async () => {
    const a = await call("GET", "/api/v1/webhooks/secret");
    expect(a.body.secret).toMatch(/^whsec_/);
    expect((await call("GET", "/api/v1/webhooks/secret")).body.secret).toBe(a.body.secret);
    const stored = await fx.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
    expect(stored.webhookSecretEnc).not.toContain(a.body.secret);
    expect((await call("GET", "/api/v1/webhooks/secret", { key: readKey })).status).toBe(403);
    expect((await call("GET", "/api/v1/webhooks/deliveries")).body).toEqual({ data: [], nextCursor: null });
  });

  it("errors: 400, 401, 403, 404, 413, 415, 422, 429 all carry the documented error body", async () => {
    expect((await call("POST", "/api/v1/jobs", { raw: "{not json" })).status).toBe(400);
    expect((await call("GET", "/api/v1/jobs", { key: null })).status).toBe(401);
    expect((await call("POST", "/api/v1/jobs", { key: readKey, body: { handler: "noop", input: { items: [1] } } })).status).toBe(403);
    expect((await call("GET", "/api/v1/jobs/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("POST", "/api/v1/jobs", { via: small, body: { handler: "noop", input: { items: ["x".repeat(4096)] } } })).status).toBe(413);
    expect((await call("POST", "/api/v1/jobs", { raw: "handler=noop", type: "application/x-www-form-urlencoded" })).status).toBe(415);
    const ssrf = await call("POST", "/api/v1/jobs", { body: { handler: "noop", input: { items: [1] }, callbackUrl: "http://169.254.169.254/latest" } });
    expect([ssrf.status, ssrf.body.error.code, ssrf.body.error.field]).toEqual([422, "callback_url_forbidden", "callbackUrl"]);
    expect((await call("POST", "/api/v1/jobs", { key: limitedKey, body: { handler: "noop", input: { items: [1] }, priority: 8 } })).status).toBe(422);
    const limited = await call("POST", "/api/v1/jobs", { key: limitedKey, body: { handler: "noop", input: { items: [1] } } });
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "60"]);
  });

  it("health matches its documented body", async () => {
    const res = await healthResponse(fx.engine);
    expect(await checker.check("GET", "http://fanout.test/api/health", res)).toEqual({ status: "ok" });
  });
});

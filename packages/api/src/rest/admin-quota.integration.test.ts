// GET/PUT /api/v1/admin/tenants/{slug}/quota against a real database, Redis and engine:
// only an `admin`-scoped key gets in, bad changes are 400s naming the field and write
// nothing, and every change is audit-logged and read by the engine's next submit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, createKey, createTenant, silentLogger, type Fixture } from "../test-support";
import { createContractChecker } from "../openapi/contract-check";
import { createRestHandler, type RestHandler } from "./index";

let fx: Fixture;
let handle: RestHandler;
let adminKey = "";
let jobsKey = "";
let target = "";
// Every answer must also match the generated OpenAPI document.
const contract = createContractChecker();

const URL_OF = (slug: string) => `http://fanout.test/api/v1/admin/tenants/${slug}/quota`;

async function call(method: string, slug: string, opts: { key?: string | null; body?: unknown; raw?: string; type?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? adminKey}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] = opts.type ?? "application/json";
  const res = await handle(new Request(URL_OF(slug), { method, headers, body }));
  await contract.check(method, URL_OF(slug), res);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  fx = await createFixture();
  handle = createRestHandler({ engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger });
  const ops = await createTenant(fx.db, "ops");
  target = (await createTenant(fx.db, "customer")).id;
  await fx.db.prisma.quota.create({ data: { tenantId: target } });
  adminKey = await createKey(fx.db, ops.id, ["admin"]);
  jobsKey = await createKey(fx.db, ops.id, ["jobs:read", "jobs:write"]);
});

afterAll(async () => {
  await fx?.close();
});

describe("admin quota over REST", () => {
  it("needs a key with the admin scope", async () => {
    expect((await call("GET", "customer", { key: null })).status).toBe(401);
    const denied = await call("PUT", "customer", { key: jobsKey, body: { maxConcurrent: 1 } });
    expect(denied).toMatchObject({ status: 403, body: { error: { code: "insufficient_scope" } } });
    expect((await fx.db.prisma.quota.findUniqueOrThrow({ where: { tenantId: target } })).maxConcurrent).toBe(64);
  });

  it("reads any tenant's quota by slug, and 404s unknown or malformed slugs", async () => {
    const res = await call("GET", "customer");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenant: { slug: "customer" }, maxConcurrent: 64, maxQueuedItems: 10_000_000, minPriority: 0, maxPriority: 10 });
    expect(res.body.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await call("GET", "nobody")).body.error.code).toBe("not_found");
    expect((await call("GET", "Bad_Slug!")).status).toBe(404);
  });

  it("refuses bad changes with the field at fault and writes nothing", async () => {
    const before = await fx.db.prisma.auditLog.count();
    const cases: [unknown, string | undefined][] = [
      [{ maxConcurrent: 0 }, "maxConcurrent"],
      [{ maxConcurrent: "ten" }, "maxConcurrent"],
      [{ minPriority: 9, maxPriority: 2 }, "minPriority"],
      [{ colour: "red" }, undefined],
      [{}, undefined],
    ];
    for (const [body, field] of cases) {
      const res = await call("PUT", "customer", { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      if (field) expect(res.body.error.field).toBe(field);
    }
    expect((await call("PUT", "customer", { raw: "maxConcurrent=1", type: "text/plain" })).status).toBe(415);
    expect((await call("PUT", "customer", { raw: "{", type: "application/json" })).status).toBe(400);
    expect(await fx.db.prisma.auditLog.count()).toBe(before);
  });

  it("changes the quota, audits it as the key, and the engine enforces it on the next submit", async () => {
    const res = await call("PUT", "customer", { body: { maxPriority: 2, submitRatePerSec: 5 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ maxPriority: 2, submitRatePerSec: 5, maxConcurrent: 64 });
    const key = await fx.db.prisma.apiKey.findFirstOrThrow({ where: { scopes: { has: "admin" } } });
    const audit = await fx.db.prisma.auditLog.findFirstOrThrow({ where: { action: "quota.update" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ tenantId: target, actorKind: "api_key", actorId: key.id, target: "customer" });
    expect(audit.details).toEqual({ changes: { maxPriority: { from: 10, to: 2 }, submitRatePerSec: { from: 50, to: 5 } } });
    const refused = await fx.engine.submitJob(target, { handler: "echo", input: { items: [1] }, priority: 5 }).catch((e) => e);
    expect(refused).toMatchObject({ status: 422, code: "priority_not_allowed" });
  });
});

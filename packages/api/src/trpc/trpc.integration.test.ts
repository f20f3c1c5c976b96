// tRPC routers against a real database, Redis and engine: roles gate mutations, every
// query is scoped to a tenant the user belongs to, and errors carry the contract body.
import { randomUUID } from "node:crypto";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPCError } from "@trpc/server";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authenticateApiKey, createApiKeyAuth } from "@fanout/auth";
import { createPool } from "@fanout/db";
import { createFixture, createTenant, silentLogger, type Fixture } from "../test-support";
import { appRouter, createCallerFactory, createTrpcContext, type RoleName } from "./index";

let fx: Fixture;
const tenants: Record<"a" | "b", string> = { a: "", b: "" };
const users: Record<RoleName | "outsider" | "multi", string> = { viewer: "", member: "", admin: "", owner: "", outsider: "", multi: "" };
let jobB = "";

const createCaller = createCallerFactory(appRouter);
const deps = () => ({ engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger });
async function caller(user: keyof typeof users | null, tenantId?: string) {
  const ctx = await createTrpcContext(deps(), { user: user ? { id: users[user], isPlatformAdmin: false } : null, tenantId });
  return createCaller(ctx);
}
async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    return e instanceof TRPCError ? e.code : `not a TRPCError: ${String(e)}`;
  }
}
const job = { handler: "echo", input: { items: [1, 2] } };

beforeAll(async () => {
  fx = await createFixture();
  tenants.a = (await createTenant(fx.db, "trpc-a")).id;
  tenants.b = (await createTenant(fx.db, "trpc-b")).id;
  for (const name of Object.keys(users) as (keyof typeof users)[]) {
    const u = await fx.db.prisma.user.create({ data: { email: `${name}@example.test`, passwordHash: "x" } });
    users[name] = u.id;
    if (name !== "outsider" && name !== "multi") await fx.db.prisma.membership.create({ data: { userId: u.id, tenantId: tenants.a, role: name } });
  }
  await fx.db.prisma.membership.create({ data: { userId: users.multi, tenantId: tenants.a, role: "viewer" } });
  await fx.db.prisma.membership.create({ data: { userId: users.multi, tenantId: tenants.b, role: "owner" } });
  jobB = (await fx.engine.submitJob(tenants.b, job)).job.id;
});

afterAll(async () => {
  await fx?.close();
});

describe("authorization ladder", () => {
  it("refuses anonymous callers and users without a tenant", async () => {
    expect(await code((await caller(null)).jobs.list({ limit: 10 }))).toBe("UNAUTHORIZED");
    expect(await code((await caller("outsider")).jobs.list({ limit: 10 }))).toBe("FORBIDDEN");
  });

  it("lets viewers read but not submit, cancel or redrive, and writes nothing", async () => {
    const viewer = await caller("viewer");
    const before = await fx.db.prisma.job.count();
    expect(await code(viewer.jobs.list({ limit: 10 }))).toBe("OK");
    expect(await code(viewer.jobs.submit({ job }))).toBe("FORBIDDEN");
    const { job: j } = await (await caller("member")).jobs.submit({ job });
    expect(await code(viewer.jobs.cancel({ id: j.id }))).toBe("FORBIDDEN");
    expect(await code(viewer.jobs.redrive({ id: j.id }))).toBe("FORBIDDEN");
    expect(await fx.db.prisma.job.count()).toBe(before + 1);
    expect((await viewer.jobs.get({ id: j.id })).id).toBe(j.id);
  });

  it("lets members submit into their own tenant, and only admins manage API keys", async () => {
    const member = await caller("member");
    const res = await member.jobs.submit({ job: { ...job, name: "from-member" }, idempotencyKey: "m-1" });
    expect(res.created).toBe(true);
    expect((await fx.db.prisma.job.findUniqueOrThrow({ where: { id: res.job.id } })).tenantId).toBe(tenants.a);
    expect((await member.jobs.submit({ job: { ...job, name: "from-member" }, idempotencyKey: "m-1" })).created).toBe(false);
    expect(await code(member.apiKeys.list())).toBe("FORBIDDEN");
    expect(await code(member.apiKeys.create({ name: "k", scopes: ["jobs:read"] }))).toBe("FORBIDDEN");
  });
});

describe("API keys", () => {
  it("shows the secret once, stores only a hash, authenticates, and revokes with an audit trail", async () => {
    const admin = await caller("admin");
    const created = await admin.apiKeys.create({ name: "ci", scopes: ["jobs:read", "jobs:write"] });
    expect(created.secret.length).toBeGreaterThan(20);
    const row = await fx.db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.secret);
    expect(JSON.stringify(await admin.apiKeys.list())).not.toContain(created.secret);
    expect(await authenticateApiKey(fx.db.prisma, created.secret)).toMatchObject({ tenantId: tenants.a });

    expect((await admin.apiKeys.revoke({ id: created.id })).alreadyRevoked).toBe(false);
    expect(await authenticateApiKey(fx.db.prisma, created.secret)).toBeNull();
    const audit = await fx.db.prisma.auditLog.findMany({ where: { target: created.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["api_key.create", "api_key.revoke"]);
    expect(audit[0].actorId).toBe(users.admin);
  });

  it("a revoke reaches every process's key cache at once, long before its TTL", async () => {
    const pool = createPool(fx.db.url);
    const channel = `${fx.prefix}:api-keys`;
    // Two web processes: `here` serves the dashboard request, `there` only the REST API.
    const [here, there] = [0, 1].map(() => createApiKeyAuth({ pool, redis: fx.redis, channel, ttlMs: 60_000 }));
    try {
      await Promise.all([here!.ready(), there!.ready()]);
      const ctx = await createTrpcContext({ ...deps(), apiKeys: here! }, { user: { id: users.admin, isPlatformAdmin: false } });
      const admin = createCaller(ctx);
      const created = await admin.apiKeys.create({ name: "cached", scopes: ["jobs:read"] });
      expect(await here!.authenticate(created.secret)).toMatchObject({ tenantId: tenants.a });
      expect(await there!.authenticate(created.secret)).toMatchObject({ tenantId: tenants.a });
      await admin.apiKeys.revoke({ id: created.id });
      expect(await here!.authenticate(created.secret)).toBeNull();
      await vi.waitFor(async () => expect(await there!.authenticate(created.secret)).toBeNull());
    } finally {
      await Promise.all([here!.close(), there!.close()]);
      await pool.end();
    }
  });

  it("cannot revoke another tenant's key", async () => {
    const owner = await caller("multi", tenants.b);
    const keyB = await owner.apiKeys.create({ name: "b", scopes: ["jobs:read"] });
    expect(await code((await caller("owner")).apiKeys.revoke({ id: keyB.id }))).toBe("NOT_FOUND");
    expect((await fx.db.prisma.apiKey.findUniqueOrThrow({ where: { id: keyB.id } })).revokedAt).toBeNull();
  });
});

describe("tenant scoping", () => {
  it("ignores a selected tenant the user does not belong to", async () => {
    const member = await caller("member", tenants.b);
    expect(await code(member.jobs.get({ id: jobB }))).toBe("NOT_FOUND");
    const listed = await member.jobs.list({ limit: 200 });
    expect(listed.data.map((j) => j.id)).not.toContain(jobB);
  });

  it("answers another tenant's id and a malformed id with NOT_FOUND on every procedure", async () => {
    const admin = await caller("admin");
    for (const id of [jobB, "not-a-uuid", randomUUID()]) {
      expect(await code(admin.jobs.get({ id }))).toBe("NOT_FOUND");
      expect(await code(admin.jobs.results({ id, limit: 10 }))).toBe("NOT_FOUND");
      expect(await code(admin.jobs.tasks({ id, limit: 10 }))).toBe("NOT_FOUND");
      expect(await code(admin.jobs.deadLetters({ id, limit: 10 }))).toBe("NOT_FOUND");
      expect(await code(admin.jobs.cancel({ id }))).toBe("NOT_FOUND");
      expect(await code(admin.jobs.redrive({ id }))).toBe("NOT_FOUND");
    }
    expect((await fx.db.prisma.job.findUniqueOrThrow({ where: { id: jobB } })).status).not.toBe("cancelled");
  });

  it("switches tenants for users with several memberships and reports them", async () => {
    const inB = await caller("multi", tenants.b);
    expect((await inB.jobs.get({ id: jobB })).id).toBe(jobB);
    const mine = await inB.tenants.mine();
    expect(mine.current).toBe(tenants.b);
    expect(mine.memberships.map((m) => [m.slug, m.role])).toEqual([["trpc-a", "viewer"], ["trpc-b", "owner"]]);
    // Role follows the selected tenant: a viewer in A.
    expect(await code((await caller("multi", tenants.a)).jobs.submit({ job }))).toBe("FORBIDDEN");
  });
});

describe("errors over HTTP", () => {
  async function post(path: string, input: unknown, user: keyof typeof users = "member") {
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      req: new Request(`http://fanout.test/api/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(superjson.serialize(input)),
      }),
      createContext: () => createTrpcContext(deps(), { user: { id: users[user], isPlatformAdmin: false } }),
    });
    const raw = (await res.json()) as { error: Parameters<typeof superjson.deserialize>[0] };
    const error = superjson.deserialize(raw.error) as { message: string; data: { code: string; fanout: unknown; stack?: string } };
    return { status: res.status, body: { error } };
  }

  it("carries the contract error body with the field for validator and engine errors", async () => {
    const invalid = await post("jobs.submit", { job: { handler: "echo", input: { items: [] } } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.data.fanout).toMatchObject({ code: "invalid_field", field: "job.input.items" });
    const unknown = await post("jobs.submit", { job: { handler: "nope", input: { items: [1] } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.data.fanout).toMatchObject({ code: "unknown_handler", field: "handler" });
    expect(unknown.body.error.data.stack).toBeUndefined();
  });
});

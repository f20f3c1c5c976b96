// The dashboard's server side against a real database, Redis and engine: role gates on
// every new procedure (viewer read-only, member writes jobs, admin/owner manage keys and
// settings, platform admin for the console), quota edits with validation and audit, job
// filters, bounded job charts and usage.
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixture, createTenant, silentLogger, type Fixture } from "../test-support";
import { appRouter, createCallerFactory, createTrpcContext, type RoleName } from "./index";

let fx: Fixture;
let tenantA = "";
let tenantB = "";
const users: Record<RoleName | "platform", string> = { viewer: "", member: "", admin: "", owner: "", platform: "" };
const createCaller = createCallerFactory(appRouter);

async function as(user: keyof typeof users, tenantId = tenantA) {
  const ctx = await createTrpcContext(
    { engine: fx.engine, prisma: fx.db.prisma, logger: silentLogger },
    { user: { id: users[user], isPlatformAdmin: user === "platform" }, tenantId },
  );
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

beforeAll(async () => {
  fx = await createFixture();
  tenantA = (await createTenant(fx.db, "dash-a")).id;
  tenantB = (await createTenant(fx.db, "dash-b")).id;
  for (const name of Object.keys(users) as (keyof typeof users)[]) {
    const u = await fx.db.prisma.user.create({ data: { email: `${name}@dash.test`, passwordHash: "x", isPlatformAdmin: name === "platform" } });
    users[name] = u.id;
    await fx.db.prisma.membership.create({ data: { userId: u.id, tenantId: tenantA, role: name === "platform" ? "member" : name } });
  }
});

afterAll(async () => {
  await fx?.close();
});

describe("role gates", () => {
  it("keeps viewers read-only on every job control", async () => {
    const { job } = await (await as("member")).jobs.submit({ job: { handler: "echo", input: { items: [1] } } });
    const viewer = await as("viewer");
    for (const call of [viewer.jobs.pause, viewer.jobs.resume, viewer.jobs.redrive, viewer.jobs.discard, viewer.jobs.cancel]) {
      expect(await code(call({ id: job.id }))).toBe("FORBIDDEN");
    }
    expect(await code(viewer.jobs.stats({ id: job.id }))).toBe("OK");
    expect(await code(viewer.jobs.deadLetterGroups({ id: job.id }))).toBe("OK");
    expect(await code(viewer.usage.current())).toBe("OK");
    const member = await as("member");
    expect((await member.jobs.pause({ id: job.id })).paused).toBe(true);
    expect((await member.jobs.resume({ id: job.id })).paused).toBe(false);
  });

  it("lets only admins and owners see keys and settings", async () => {
    for (const role of ["viewer", "member"] as const) {
      const c = await as(role);
      expect(await code(c.apiKeys.list())).toBe("FORBIDDEN");
      expect(await code(c.tenants.settings())).toBe("FORBIDDEN");
      expect(await code(c.tenants.rename({ name: "x" }))).toBe("FORBIDDEN");
    }
    expect(await code((await as("admin")).tenants.settings())).toBe("OK");
  });

  it("lets only platform admins grant the admin scope", async () => {
    const admin = await as("admin");
    expect(await admin.apiKeys.grantableScopes()).not.toContain("admin");
    expect(await code(admin.apiKeys.create({ name: "root", scopes: ["admin"] }))).toBe("FORBIDDEN");
    expect(await code(admin.apiKeys.create({ name: "mixed", scopes: ["jobs:read", "admin"] }))).toBe("FORBIDDEN");
    expect(await fx.db.prisma.apiKey.count({ where: { tenantId: tenantA } })).toBe(0);
    const platform = await as("platform");
    // A platform admin who is only a member of the tenant still needs the tenant's admin role…
    expect(await code(platform.apiKeys.create({ name: "root", scopes: ["admin"] }))).toBe("FORBIDDEN");
    // …and with it may grant admin.
    await fx.db.prisma.membership.update({ where: { userId_tenantId: { userId: users.platform, tenantId: tenantA } }, data: { role: "admin" } });
    expect(await (await as("platform")).apiKeys.grantableScopes()).toContain("admin");
    const key = await (await as("platform")).apiKeys.create({ name: "root", scopes: ["admin"] });
    expect(key.scopes).toEqual(["admin"]);
    const listed = await admin.apiKeys.list();
    expect(listed.find((k) => k.id === key.id)?.createdBy).toBe("platform@dash.test");
    await fx.db.prisma.membership.update({ where: { userId_tenantId: { userId: users.platform, tenantId: tenantA } }, data: { role: "member" } });
  });

  it("refuses the admin console to everyone but platform admins", async () => {
    for (const role of ["viewer", "member", "admin", "owner"] as const) {
      const c = await as(role);
      expect(await code(c.admin.tenants())).toBe("FORBIDDEN");
      expect(await code(c.admin.updateQuota({ slug: "dash-a", changes: { maxConcurrent: 1 } }))).toBe("FORBIDDEN");
      expect(await code(c.admin.setPaused({ slug: "dash-a", paused: true }))).toBe("FORBIDDEN");
      expect(await code(c.admin.workers())).toBe("FORBIDDEN");
    }
    const platform = await as("platform");
    expect((await platform.admin.tenants()).map((t) => t.slug)).toEqual(["dash-a", "dash-b"]);
    expect(await code(platform.admin.workers())).toBe("OK");
    expect(await code(platform.admin.cluster())).toBe("OK");
  });
});

describe("tenant settings", () => {
  it("adds members, keeps owner changes to owners and never drops the last owner", async () => {
    const other = await fx.db.prisma.user.create({ data: { email: "new@dash.test", passwordHash: "x" } });
    const admin = await as("admin");
    expect((await admin.tenants.setMember({ email: "NEW@dash.test", role: "viewer" })).added).toBe(true);
    expect(await code(admin.tenants.setMember({ email: "new@dash.test", role: "owner" }))).toBe("FORBIDDEN");
    expect(await code(admin.tenants.setMember({ email: "owner@dash.test", role: "member" }))).toBe("FORBIDDEN");
    const owner = await as("owner");
    expect(await code(owner.tenants.setMember({ email: "owner@dash.test", role: "admin" }))).toBe("BAD_REQUEST");
    expect(await code(owner.tenants.setMember({ email: "nobody@dash.test", role: "admin" }))).toBe("NOT_FOUND");
    await owner.tenants.removeMember({ userId: other.id });
    const audit = await fx.db.prisma.auditLog.findMany({ where: { tenantId: tenantA, action: { startsWith: "member." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([["member.add", users.admin], ["member.remove", users.owner]]);
  });
});

describe("quotas", () => {
  it("validates on the merged quota, audits the change and takes effect on the next submit", async () => {
    const platform = await as("platform");
    expect(await code(platform.admin.updateQuota({ slug: "dash-a", changes: { minPriority: 8, maxPriority: 5 } }))).toBe("BAD_REQUEST");
    expect(await code(platform.admin.updateQuota({ slug: "dash-a", changes: {} }))).toBe("BAD_REQUEST");
    expect(await code(platform.admin.updateQuota({ slug: "nope", changes: { weight: 2 } }))).toBe("NOT_FOUND");
    const q = await platform.admin.updateQuota({ slug: "dash-a", changes: { maxPriority: 3, maxConcurrent: 7 } });
    expect(q).toMatchObject({ maxPriority: 3, maxConcurrent: 7 });
    const audit = await fx.db.prisma.auditLog.findFirstOrThrow({ where: { action: "quota.update", target: "dash-a" }, orderBy: { id: "desc" } });
    expect(audit.details).toEqual({ changes: { maxPriority: { from: 10, to: 3 }, maxConcurrent: { from: 64, to: 7 } } });
    expect(audit.actorId).toBe(users.platform);
    const err = await (await as("member")).jobs.submit({ job: { handler: "echo", input: { items: [1] }, priority: 5 } }).catch((e) => e);
    expect(err).toBeInstanceOf(TRPCError);
    const logged = await platform.admin.audit({ action: "quota.", limit: 10 });
    expect(logged.data[0]).toMatchObject({ action: "quota.update", tenant: "dash-a", actor: "platform@dash.test" });
    await platform.admin.updateQuota({ slug: "dash-a", changes: { maxPriority: 10, maxConcurrent: 64 } });
  });

  it("pauses and resumes all of a tenant's work, with an audit trail", async () => {
    const platform = await as("platform");
    await platform.admin.setPaused({ slug: "dash-b", paused: true });
    expect((await fx.db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantB } })).paused).toBe(true);
    await platform.admin.setPaused({ slug: "dash-b", paused: false });
    await platform.admin.setStatus({ slug: "dash-b", status: "suspended" });
    expect((await platform.admin.tenants()).find((t) => t.slug === "dash-b")).toMatchObject({ status: "suspended", paused: false });
    const actions = (await platform.admin.audit({ tenant: "dash-b", limit: 10 })).data.map((a) => a.action);
    expect(actions).toEqual(["tenant.suspend", "tenant.unpause", "tenant.pause"]);
  });
});

describe("jobs list filters and charts", () => {
  it("filters by label, date window and search across pages", async () => {
    const member = await as("member");
    const mk = (name: string, labels?: Record<string, string>) => member.jobs.submit({ job: { handler: "noop", name, input: { items: [1] }, labels } });
    await mk("alpha-1", { env: "prod" });
    await mk("alpha-2", { env: "dev" });
    await mk("alpha-3", { env: "prod" });
    const prod = await member.jobs.list({ label: "env=prod", limit: 50 });
    expect(prod.data.map((j) => j.name)).toEqual(["alpha-3", "alpha-1"]);
    const page1 = await member.jobs.list({ q: "alpha", limit: 2 });
    const page2 = await member.jobs.list({ q: "alpha", limit: 2, cursor: page1.nextCursor! });
    expect([...page1.data, ...page2.data].map((j) => j.name)).toEqual(["alpha-3", "alpha-2", "alpha-1"]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await member.jobs.list({ createdFrom: future, limit: 50 })).data).toEqual([]);
    expect((await member.jobs.list({ createdTo: future, q: "alpha", limit: 50 })).data).toHaveLength(3);
    expect(await member.jobs.handlers()).toContain("noop");
  });

  it("reads a bounded sample of a large job's tasks for its charts", async () => {
    const { job } = await (await as("member")).jobs.submit({ job: { handler: "noop", input: { range: { from: 0, to: 12_000 } }, chunkSize: 1 } });
    await fx.db.prisma.$executeRawUnsafe(
      `UPDATE tasks SET status = 'done', "startedAt" = now() - interval '2 seconds', "finishedAt" = now() - interval '1 second' WHERE "jobId" = $1::uuid AND seq < 6000`,
      job.id,
    );
    await fx.db.prisma.job.update({ where: { id: job.id }, data: { startedAt: new Date(Date.now() - 5000), status: "running", itemsSucceeded: 6000 } });
    const stats = await (await as("viewer")).jobs.stats({ id: job.id });
    expect(stats.sample).toEqual({ sampled: 4000, taskCount: 12_000, step: 3 });
    const finished = stats.throughput.reduce((a, p) => a + p.itemsPerSec * stats.bucketSeconds, 0);
    expect(finished).toBe(6000);
    expect(stats.runHistogram.reduce((a, b) => a + b.count, 0)).toBe(6000);
    expect(stats.runMs.p50).toBeGreaterThan(900);
    expect(stats.recentItemsPerSec).toBeGreaterThan(0);
  });

  it("reports usage against the quota with an hour of minutes", async () => {
    // Its own work, finished inside the current minute: data from earlier tests (finished
    // "a second ago") fell into the previous minute whenever this ran in a minute's first second.
    const { job } = await (await as("member")).jobs.submit({ job: { handler: "noop", input: { range: { from: 0, to: 100 } }, chunkSize: 10 } });
    await fx.db.prisma.$executeRawUnsafe(
      `UPDATE tasks SET status = 'done', "startedAt" = date_trunc('minute', now()), "finishedAt" = date_trunc('minute', now()) WHERE "jobId" = $1::uuid AND seq < 5`,
      job.id,
    );
    const usage = await (await as("viewer")).usage.current();
    expect(usage.series).toHaveLength(60);
    expect(usage.quota.maxConcurrent).toBe(64);
    expect(usage.now.activeJobs).toBeGreaterThan(0);
    expect(usage.now.queuedItems).toBeGreaterThan(0);
    expect(usage.series[59]!.itemsPerSec).toBeGreaterThan(0);
  });
});

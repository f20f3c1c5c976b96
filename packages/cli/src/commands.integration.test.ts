import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { authenticateApiKey, verifyPassword } from "@fanout/auth";
import { CliError, createApiKey, createTenant, seedDemo, setQuota } from "./index";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

async function rejection(p: Promise<unknown>): Promise<CliError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

describe("createTenant", () => {
  it("creates the tenant with a default quota and an audit row", async () => {
    const t = await createTenant(db.prisma, { slug: "acme", name: "Acme Inc" });
    expect(t).toMatchObject({ slug: "acme", name: "Acme Inc", status: "active" });
    expect(await db.prisma.quota.findUnique({ where: { tenantId: t.id } })).toMatchObject({ weight: 1 });
    expect(await db.prisma.auditLog.findMany({ where: { tenantId: t.id } })).toEqual([
      expect.objectContaining({ actorKind: "cli", action: "tenant.create", target: "acme" }),
    ]);
  });

  it("refuses duplicate and malformed slugs", async () => {
    await createTenant(db.prisma, { slug: "dup" });
    const dup = await rejection(createTenant(db.prisma, { slug: "dup" }));
    expect([dup.exitCode, dup.message]).toEqual([1, "tenant 'dup' already exists"]);
    for (const slug of ["Bad", "-x", "a_b", "x".repeat(64), ""]) {
      expect((await rejection(createTenant(db.prisma, { slug }))).exitCode).toBe(2);
    }
  });
});

describe("createApiKey", () => {
  it("creates a working key with default or given scopes and audits it without the key", async () => {
    const t = await createTenant(db.prisma, { slug: "keys" });
    const k = await createApiKey(db.prisma, { tenant: "keys", name: "ci" });
    expect(k.scopes).toEqual(["jobs:read", "jobs:write"]);
    expect(await authenticateApiKey(db.prisma, k.key)).toEqual({ keyId: k.id, tenantId: t.id, scopes: k.scopes });
    const w = await createApiKey(db.prisma, { tenant: "keys", scopes: "workers,jobs:read" });
    expect(w.scopes).toEqual(["workers", "jobs:read"]);
    const rows = await db.prisma.auditLog.findMany({ where: { tenantId: t.id, action: "api_key.create" } });
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows.map((r) => [r.target, r.details]))).not.toContain(k.key);
  });

  it("fails on unknown tenants and unknown scopes", async () => {
    expect((await rejection(createApiKey(db.prisma, { tenant: "ghost" }))).message).toBe("unknown tenant 'ghost'");
    await createTenant(db.prisma, { slug: "scopes" });
    const bad = await rejection(createApiKey(db.prisma, { tenant: "scopes", scopes: "jobs:read,root" }));
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toMatch(/Unknown scope\(s\): root/);
  });
});

describe("setQuota", () => {
  it("changes only the given limits and audits the change", async () => {
    const t = await createTenant(db.prisma, { slug: "quota" });
    const q = await setQuota(db.prisma, { tenant: "quota", weight: 5, maxQueued: 123, submitRate: 2.5 });
    expect(q).toMatchObject({ weight: 5, maxQueuedItems: 123n, submitRatePerSec: 2.5, maxConcurrent: 64 });
    const q2 = await setQuota(db.prisma, { tenant: "quota", maxConcurrent: 3, maxItems: 1000 });
    expect(q2).toMatchObject({ weight: 5, maxConcurrent: 3, maxItemsPerJob: 1000 });
    const audits = await db.prisma.auditLog.findMany({ where: { tenantId: t.id, action: "quota.set" }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.details)).toEqual([{ weight: 5, maxQueued: 123, submitRate: 2.5 }, { maxConcurrent: 3, maxItems: 1000 }]);
  });

  it("rejects unknown tenants, bad numbers and empty changes", async () => {
    expect((await rejection(setQuota(db.prisma, { tenant: "ghost", weight: 2 }))).exitCode).toBe(1);
    await createTenant(db.prisma, { slug: "quota-bad" });
    for (const bad of [{ weight: 0 }, { weight: 1.5 }, { maxConcurrent: -1 }, { submitRate: 0 }, { maxItems: Number.NaN }, {}]) {
      expect((await rejection(setQuota(db.prisma, { tenant: "quota-bad", ...bad }))).exitCode).toBe(2);
    }
    expect(await db.prisma.quota.findFirst({ where: { tenant: { slug: "quota-bad" } } })).toMatchObject({ weight: 1 });
  });
});

describe("seedDemo", () => {
  it("is idempotent, resets the admin password and adds a fresh working key each run", async () => {
    const a = await seedDemo(db.prisma, { adminPassword: "first-password" });
    const b = await seedDemo(db.prisma, { adminPassword: "second-password" });
    expect(a).toMatchObject({ adminEmail: "admin@fanout.local", tenantSlug: "demo", adminPassword: "first-password" });
    expect(b.apiKey).not.toBe(a.apiKey);

    const tenants = await db.prisma.tenant.findMany({ where: { slug: "demo" }, include: { quota: true, memberships: { include: { user: true } } } });
    expect(tenants).toHaveLength(1);
    expect(tenants[0]!.quota).not.toBeNull();
    expect(tenants[0]!.memberships).toEqual([expect.objectContaining({ role: "owner", user: expect.objectContaining({ email: "admin@fanout.local", isPlatformAdmin: true }) })]);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: "admin@fanout.local" } });
    expect(await verifyPassword("second-password", user.passwordHash)).toBe(true);
    expect(await verifyPassword("first-password", user.passwordHash)).toBe(false);
    for (const key of [a.apiKey, b.apiKey]) expect((await authenticateApiKey(db.prisma, key))?.tenantId).toBe(tenants[0]!.id);
  });

  it("takes the password from FANOUT_ADMIN_PASSWORD, else generates one", async () => {
    vi.stubEnv("FANOUT_ADMIN_PASSWORD", "from-the-env");
    try {
      expect((await seedDemo(db.prisma)).adminPassword).toBe("from-the-env");
    } finally {
      vi.unstubAllEnvs();
    }
    vi.stubEnv("FANOUT_ADMIN_PASSWORD", "");
    try {
      const s = await seedDemo(db.prisma);
      expect(s.adminPassword).toMatch(/^[0-9A-Za-z]{16}$/);
      const user = await db.prisma.user.findUniqueOrThrow({ where: { email: s.adminEmail } });
      expect(await verifyPassword(s.adminPassword, user.passwordHash)).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { authenticateApiKey, DEFAULT_SCOPES, generateApiKey } from "./index";

let db: TestDatabase;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await db.prisma.tenant.create({ data: { slug: "acme", name: "Acme" } })).id;
});
afterAll(() => db?.drop());

async function newKey(data: { revokedAt?: Date; expiresAt?: Date; scopes?: string[]; tenantId?: string } = {}) {
  const k = generateApiKey();
  const row = await db.prisma.apiKey.create({
    data: { tenantId: data.tenantId ?? tenantId, name: "test", prefix: k.prefix, hash: k.hash, scopes: data.scopes ?? [...DEFAULT_SCOPES], ...data },
  });
  return { ...k, id: row.id };
}

describe("authenticateApiKey", () => {
  it("resolves a valid key to its tenant and scopes", async () => {
    const k = await newKey({ scopes: ["jobs:read", "workers"] });
    expect(await authenticateApiKey(db.prisma, k.key)).toEqual({ keyId: k.id, tenantId, scopes: ["jobs:read", "workers"] });
  });

  it("rejects malformed, unknown and wrong-secret keys", async () => {
    const k = await newKey();
    expect(await authenticateApiKey(db.prisma, "nope")).toBeNull();
    expect(await authenticateApiKey(db.prisma, generateApiKey().key)).toBeNull();
    const wrong = k.key.slice(0, 12) + generateApiKey().key.slice(12);
    expect(await authenticateApiKey(db.prisma, wrong)).toBeNull();
  });

  it("rejects revoked and expired keys and keys of suspended tenants", async () => {
    const revoked = await newKey({ revokedAt: new Date() });
    const expired = await newKey({ expiresAt: new Date(Date.now() - 1000) });
    const future = await newKey({ expiresAt: new Date(Date.now() + 3600_000) });
    expect(await authenticateApiKey(db.prisma, revoked.key)).toBeNull();
    expect(await authenticateApiKey(db.prisma, expired.key)).toBeNull();
    expect(await authenticateApiKey(db.prisma, future.key)).not.toBeNull();

    const other = await db.prisma.tenant.create({ data: { slug: "suspended", name: "S", status: "suspended" } });
    const k = await newKey({ tenantId: other.id });
    expect(await authenticateApiKey(db.prisma, k.key)).toBeNull();
  });

  it("records lastUsedAt in the background, at most once a minute", async () => {
    const k = await newKey();
    const lastUsed = async () => (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } })).lastUsedAt;
    const t0 = new Date("2030-01-01T00:00:00.000Z");
    await authenticateApiKey(db.prisma, k.key, t0);
    await vi.waitFor(async () => expect(await lastUsed()).toEqual(t0));

    await authenticateApiKey(db.prisma, k.key, new Date(t0.getTime() + 30_000));
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastUsed()).toEqual(t0);

    const t2 = new Date(t0.getTime() + 61_000);
    await authenticateApiKey(db.prisma, k.key, t2);
    await vi.waitFor(async () => expect(await lastUsed()).toEqual(t2));
  });
});

// The API-key cache against real Postgres and Redis, with two instances standing in for two
// web processes of one deployment: keys are served from memory, yet a revocation or a
// suspension published by one process is refused by the other without waiting for the TTL.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPool, type Pool } from "@fanout/db";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { createApiKeyAuth, DEFAULT_SCOPES, generateApiKey, type ApiKeyAuth, type SqlPool } from "./index";

let db: TestDatabase;
let pool: Pool;
let redis: Redis;
let tenantId: string;
const channel = `fanout_test_keys_${randomBytes(4).toString("hex")}:api-keys`;
const lookups = { n: 0 };
const opened: ApiKeyAuth[] = [];

// Counts key lookups, so a test can tell a cache hit from a query.
const countingPool: SqlPool = {
  query: (config) => {
    if (config.name === "fanout_api_key_by_prefix") lookups.n++;
    return pool.query(config);
  },
};

async function open(opts: { ttlMs?: number; now?: () => number } = {}) {
  const auth = createApiKeyAuth({ pool: countingPool, redis, channel, ...opts });
  opened.push(auth);
  await auth.ready();
  return auth;
}

async function newKey(tenant = tenantId) {
  const k = generateApiKey();
  const row = await db.prisma.apiKey.create({ data: { tenantId: tenant, name: "t", prefix: k.prefix, hash: k.hash, scopes: [...DEFAULT_SCOPES] } });
  return { key: k.key, id: row.id };
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url);
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  tenantId = (await db.prisma.tenant.create({ data: { slug: "acme", name: "Acme" } })).id;
});
afterAll(async () => {
  await Promise.all(opened.map((a) => a.close()));
  redis?.disconnect();
  await pool?.end();
  await db?.drop();
});

describe("createApiKeyAuth", () => {
  it("serves a verified key from memory, and never a wrong secret for its prefix", async () => {
    const auth = await open({ ttlMs: 60_000 });
    const k = await newKey();
    expect(await auth.authenticate(k.key)).toEqual({ keyId: k.id, tenantId, scopes: [...DEFAULT_SCOPES] });
    const before = lookups.n;
    expect(await auth.authenticate(k.key)).toMatchObject({ keyId: k.id });
    expect(lookups.n).toBe(before);
    const wrong = k.key.slice(0, 12) + generateApiKey().key.slice(12);
    expect(await auth.authenticate(wrong)).toBeNull();
    expect(await auth.authenticate("nope")).toBeNull();
    expect(await auth.authenticate(generateApiKey().key)).toBeNull();
  });

  it("refuses a revoked key at once in every process, long before the TTL", async () => {
    const [a, b] = [await open({ ttlMs: 60_000 }), await open({ ttlMs: 60_000 })];
    const k = await newKey();
    expect(await a.authenticate(k.key)).not.toBeNull();
    expect(await b.authenticate(k.key)).not.toBeNull();

    // What the dashboard's revoke does: commit, then announce.
    await db.prisma.apiKey.update({ where: { id: k.id }, data: { revokedAt: new Date() } });
    await a.changed({ keyId: k.id });
    expect(await a.authenticate(k.key)).toBeNull(); // the announcing process drops it before publishing
    await vi.waitFor(async () => expect(await b.authenticate(k.key)).toBeNull()); // the other as the message lands
  });

  it("refuses a suspended tenant's keys at once in every process", async () => {
    const [a, b] = [await open({ ttlMs: 60_000 }), await open({ ttlMs: 60_000 })];
    const other = await db.prisma.tenant.create({ data: { slug: "globex", name: "Globex" } });
    const k = await newKey(other.id);
    const kept = await newKey(); // another tenant's key stays cached
    for (const auth of [a, b]) {
      expect(await auth.authenticate(k.key)).not.toBeNull();
      expect(await auth.authenticate(kept.key)).not.toBeNull();
    }
    await db.prisma.tenant.update({ where: { id: other.id }, data: { status: "suspended" } });
    await a.changed({ tenantId: other.id });
    await vi.waitFor(async () => expect(await b.authenticate(k.key)).toBeNull());
    const before = lookups.n;
    expect(await b.authenticate(kept.key)).not.toBeNull();
    expect(lookups.n).toBe(before);
  });

  it("re-reads a key after the TTL, so a change nobody announced still applies", async () => {
    let t = Date.now();
    const auth = await open({ ttlMs: 5000, now: () => t });
    const k = await newKey();
    expect(await auth.authenticate(k.key)).not.toBeNull();
    await db.prisma.apiKey.update({ where: { id: k.id }, data: { revokedAt: new Date() } });
    expect(await auth.authenticate(k.key)).not.toBeNull(); // within the TTL: the backstop, not the rule
    t += 5000;
    expect(await auth.authenticate(k.key)).toBeNull();
  });

  it("stops serving a cached key when it expires", async () => {
    let t = Date.now();
    const auth = await open({ ttlMs: 60_000, now: () => t });
    const k = generateApiKey();
    await db.prisma.apiKey.create({ data: { tenantId, name: "exp", prefix: k.prefix, hash: k.hash, scopes: ["jobs:read"], expiresAt: new Date(t + 1000) } });
    expect(await auth.authenticate(k.key)).not.toBeNull();
    t += 1000;
    expect(await auth.authenticate(k.key)).toBeNull();
  });

  it("records lastUsedAt in the background, at most once a minute", async () => {
    let t = new Date("2030-01-01T00:00:00.000Z").getTime();
    const auth = await open({ ttlMs: 5000, now: () => t });
    const k = await newKey();
    const lastUsed = async () => (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: k.id } })).lastUsedAt;
    const t0 = t;
    await auth.authenticate(k.key);
    await vi.waitFor(async () => expect(await lastUsed()).toEqual(new Date(t0)));

    t += 30_000;
    await auth.authenticate(k.key);
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastUsed()).toEqual(new Date(t0));

    t += 31_000;
    await auth.authenticate(k.key);
    await vi.waitFor(async () => expect(await lastUsed()).toEqual(new Date(t)));
  });
});

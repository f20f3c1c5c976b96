// Shared fixtures for the API integration tests: a real test database, real Redis under a
// unique prefix, the real engine, and tenants with API keys made by @fanout/auth.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { generateApiKey } from "@fanout/auth";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { createEngine, type Engine } from "@fanout/engine";
import type { ApiLogger } from "./types";

export const silentLogger: ApiLogger & { errors: unknown[]; child(): ApiLogger } = {
  errors: [],
  info() {},
  warn() {},
  debug() {},
  error(obj) {
    silentLogger.errors.push(obj);
  },
  child() {
    return silentLogger;
  },
};

export interface Fixture {
  db: TestDatabase;
  redis: Redis;
  engine: Engine;
  prefix: string;
  close(): Promise<void>;
}

export async function createFixture(): Promise<Fixture> {
  const db = await createTestDatabase();
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const prefix = `fanout_test_api_${randomBytes(4).toString("hex")}`;
  const engine = createEngine({ prisma: db.prisma, redis, logger: silentLogger }, { prefix });
  return {
    db,
    redis,
    engine,
    prefix,
    async close() {
      await engine.close().catch(() => {});
      // Only our own keys: never FLUSHALL the shared Redis.
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `*${prefix}*`, "COUNT", 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== "0");
      redis.disconnect();
      await db.drop();
    },
  };
}

export async function createTenant(db: TestDatabase, slug: string) {
  return db.prisma.tenant.create({ data: { slug, name: slug.toUpperCase() } });
}

/** Stores a new key for the tenant and returns the raw secret. */
export async function createKey(db: TestDatabase, tenantId: string, scopes: string[]): Promise<string> {
  const k = await generateApiKey();
  await db.prisma.apiKey.create({ data: { tenantId, name: `test ${scopes.join(",")}`, prefix: k.prefix, hash: k.hash, scopes } });
  return k.key;
}

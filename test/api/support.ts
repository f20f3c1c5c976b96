// A real Fanout API for end-to-end tests: a fresh database, Redis under a unique prefix,
// the engine with its scheduler, and the REST handler served over real HTTP by node:http
// (the same handler Next mounts at /api/v1; HTTP matters here because remote workers and
// the CLI run in other processes).
import http from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { generateApiKey } from "@fanout/auth";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { createEngine, type Engine } from "@fanout/engine";
import { createRestHandler, healthResponse, toNodeListener } from "@fanout/api/rest";
import { recordedIndexes as engineRecordedIndexes, type Harness } from "../../packages/engine/src/testing/harness";

export const quiet = { info() {}, warn() {}, debug() {}, error() {}, child: () => quiet };
export const SECRET_KEY = "test-webhook-key-0123456789abcdefghij";

export interface ApiHarness {
  url: string;
  db: TestDatabase;
  engine: Engine;
  redis: Redis;
  tenant(slug: string, scopes?: string[], extra?: { allowPrivateCallbacks?: boolean }): Promise<{ id: string; key: string }>;
  key(tenantId: string, scopes: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startApi(opts: { leaseMs?: number; builtinWorkers?: number } = {}): Promise<ApiHarness> {
  const db = await createTestDatabase();
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const prefix = `fot-api-${randomBytes(4).toString("hex")}`;
  const engine = createEngine({ prisma: db.prisma, redis, logger: quiet }, { prefix, leaseMs: opts.leaseMs ?? 2000 });
  const rest = createRestHandler({ engine, prisma: db.prisma, logger: quiet, secretKey: SECRET_KEY });
  const listener = toNodeListener(rest);
  const server = http.createServer((req, res) => {
    if (req.url === "/api/health") return void healthResponse(engine).then(async (r) => res.writeHead(r.status).end(await r.text()));
    listener(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  await engine.createScheduler({ tickMs: 200 }).start();
  for (let i = 0; i < (opts.builtinWorkers ?? 0); i++) await engine.createWorker({ concurrency: 4 }).start();
  const key = async (tenantId: string, scopes: string[]) => {
    const k = await generateApiKey();
    await db.prisma.apiKey.create({ data: { tenantId, name: scopes.join(","), prefix: k.prefix, hash: k.hash, scopes } });
    return k.key;
  };
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    db,
    engine,
    redis,
    key,
    async tenant(slug, scopes = ["jobs:read", "jobs:write", "workers"], extra = {}) {
      const t = await db.prisma.tenant.create({ data: { slug, name: slug, ...extra } });
      await db.prisma.quota.create({ data: { tenantId: t.id, maxConcurrent: 1000, submitRatePerSec: 1000, submitBurst: 1000 } });
      return { id: t.id, key: await key(t.id, scopes) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await engine.close();
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      redis.disconnect();
      await db.drop();
    },
  };
}

/** Every recorded success of a job, one entry per stored output (the engine's own proof of "exactly once"). */
export const recordedIndexes = (db: TestDatabase, jobId: string) => engineRecordedIndexes({ db } as Harness, jobId);

export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

import { createTestDatabase } from "@fanout/db/testing";
import { Redis } from "ioredis";
import { createEngine } from "./engine";
const db = await createTestDatabase();
const redis = new Redis("redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
const prefix = `probe-${Date.now()}`;
const log: any = { info(){}, debug(){}, warn: (o: any, m?: string) => console.log("WARN", m, o), error: (o: any, m?: string) => console.log("ERR", m, o?.err?.message ?? o), child: () => log };
const engine = createEngine({ prisma: db.prisma, redis, logger: log }, { prefix, leaseMs: 2000 });
const t = await db.prisma.tenant.create({ data: { slug: "a", name: "a" } });
await db.prisma.quota.create({ data: { tenantId: t.id, weight: 1, maxConcurrent: 1000 } });
await engine.createScheduler().start();
await engine.createWorker({ concurrency: 8 }).start();
const N = Number(process.argv[2] ?? 100000);
const t0 = performance.now();
const { job } = await engine.submitJob(t.id, { handler: "sleep", input: { items: Array(N).fill(50) }, chunkSize: 1 } as any);
console.log("submit", performance.now() - t0);
for (let i = 0; i < 10; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  const rows = await db.prisma.$queryRawUnsafe(`SELECT status, count(*)::int FROM tasks GROUP BY 1`);
  console.log(JSON.stringify(rows));
}
await engine.close(); const keys = await redis.keys(`${prefix}:*`); if (keys.length) await redis.del(...keys); redis.disconnect(); await db.drop(); process.exit(0);

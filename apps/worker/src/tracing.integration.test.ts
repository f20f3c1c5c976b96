// With OTEL_EXPORTER_OTLP_ENDPOINT set, a real (bundled) worker process exports its task spans
// over OTLP/HTTP, in the trace the submit started.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@fanout/db/testing";
import { createEngine, type Engine } from "@fanout/engine";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundleApp } from "../../../scripts/lib/bundle.mjs";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const prefix = `otel-${randomUUID().slice(0, 8)}`;
const bodies: string[] = [];
let receiver: Server;
let db: TestDatabase;
let redis: Redis;
let engine: Engine;
const children: ChildProcess[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.url === "/v1/traces") bodies.push(body);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  db = await createTestDatabase();
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  engine = createEngine({ prisma: db.prisma, redis, logger: quiet }, { prefix });
  await engine.createScheduler().start();
  const endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  const child = spawn(process.execPath, [await bundleApp("worker")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.url, FANOUT_QUEUE_PREFIX: prefix, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
});

afterAll(async () => {
  for (const c of children) c.kill("SIGTERM");
  await engine?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await db?.drop();
  receiver?.close();
});

it("exports the worker's task spans over OTLP/HTTP under the submit's trace", async () => {
  const tenant = await db.prisma.tenant.create({ data: { slug: `t-${randomUUID().slice(0, 8)}`, name: "t" } });
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  const { job } = await engine.submitJob(tenant.id, { handler: "echo", input: { items: [1] } }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
  const deadline = Date.now() + 45_000;
  while (!bodies.some((b) => b.includes("fanout.task.run")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const exported = bodies.join("\n");
  expect(exported).toContain("fanout.task.run");
  expect(exported).toContain(job.id);
  // OTLP/JSON carries ids as hex strings.
  expect(exported).toContain(traceId);
}, 60_000);

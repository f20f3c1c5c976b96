// A real worker process for crash tests: the test SIGKILLs it mid-job.
import { createPool, createPrisma } from "@fanout/db";
import { Redis } from "ioredis";
import { createEngine } from "../engine";

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};
const prisma = createPrisma(env("DATABASE_URL"));
const redis = new Redis(env("REDIS_URL"), { maxRetriesPerRequest: null });
const log = { info() {}, warn() {}, debug() {}, error: (o: object, m?: string) => console.error(m, o) };
const engine = createEngine({ prisma, redis, logger: log, pool: createPool(env("DATABASE_URL")) }, { prefix: env("FANOUT_PREFIX"), leaseMs: Number(env("LEASE_MS")) });
const worker = engine.createWorker({ id: env("WORKER_ID"), concurrency: Number(process.env.CONCURRENCY ?? 4) });
await worker.start();
process.stdout.write("ready\n");

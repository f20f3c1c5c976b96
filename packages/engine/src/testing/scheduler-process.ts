// A real scheduler process for failover tests: the test SIGKILLs it while it leads.
import { createPool, createPrisma } from "@fanout/db";
import { Redis } from "ioredis";
import { createEngine } from "../engine";

const env = (k: string) => process.env[k] ?? (() => { throw new Error(`${k} is required`); })();
const prisma = createPrisma(env("DATABASE_URL"));
const redis = new Redis(env("REDIS_URL"), { maxRetriesPerRequest: null });
const log = { info() {}, warn() {}, debug() {}, error: (o: object, m?: string) => console.error(m, o) };
const engine = createEngine({ prisma, redis, logger: log, pool: createPool(env("DATABASE_URL")) }, { prefix: env("FANOUT_PREFIX"), leaseMs: Number(env("LEASE_MS")) });
const scheduler = engine.createScheduler({ id: "doomed-leader", leaderTtlMs: Number(env("LEADER_TTL_MS")) });
await scheduler.start();
process.stdout.write(scheduler.isLeader ? "leader\n" : "standby\n");

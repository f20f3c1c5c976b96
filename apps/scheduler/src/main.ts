// Scheduler process: admits waiting tasks into BullMQ by fair share. Run several: one leads,
// the others stand by and take over when its lease lapses.
import { Redis } from "ioredis";
import { loadConfig } from "@fanout/config";
import { createLogger } from "@fanout/logger";
import { createPrisma } from "@fanout/db";
import { createEngine } from "@fanout/engine";

const config = loadConfig("scheduler");
const logger = createLogger("scheduler");
const prisma = createPrisma(config.databaseUrl);
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const engine = createEngine({ prisma, redis, logger }, { prefix: config.queuePrefix });
const scheduler = engine.createScheduler({ id: config.schedulerId });

let closing = false;
async function shutdown(signal: string, code = 0) {
  if (closing) return;
  closing = true;
  logger.info({ signal }, "scheduler stopping");
  setTimeout(() => { logger.error({}, "scheduler did not stop in time; exiting"); process.exit(1); }, 15_000).unref();
  try {
    await scheduler.close(); // gives up leadership so a standby takes over at once
    await engine.close();
  } catch (err) {
    logger.error({ err }, "error while stopping");
  } finally {
    await prisma.$disconnect().catch(() => {});
    redis.disconnect();
    logger.info({}, "scheduler stopped");
    process.exit(code);
  }
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));

try {
  await scheduler.start();
  logger.info({ schedulerId: config.schedulerId }, "scheduler started");
} catch (err) {
  logger.fatal({ err }, "scheduler failed to start");
  await shutdown("startup-failure", 1);
}

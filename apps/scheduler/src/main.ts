// Scheduler process: admits waiting tasks into BullMQ by fair share. Run several: one leads,
// the others stand by and take over when its lease lapses.
import { Redis } from "ioredis";
import { loadConfigOrExit } from "@fanout/config";
import { createLogger } from "@fanout/logger";
import { createPool, createPrisma } from "@fanout/db";
import { createEngine } from "@fanout/engine";
import { serveOps } from "@fanout/ops";
import { startTracing } from "@fanout/ops/tracing";
import { createWebhookDispatcher } from "@fanout/webhooks";

const config = loadConfigOrExit("scheduler");
const logger = createLogger("scheduler", config.logLevel);
const tracing = await startTracing("fanout-scheduler", config.otlpEndpoint);
const prisma = createPrisma(config.databaseUrl);
const pool = createPool(config.databaseUrl, { asyncCommit: true }); // hot path on pg, not Prisma; see PoolOptions.asyncCommit
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const engine = createEngine({ prisma, redis, logger, pool }, { prefix: config.queuePrefix });
const scheduler = engine.createScheduler({ id: config.schedulerId, inflightPerSlot: config.inflightPerSlot, minRoundGapMs: config.minRoundGapMs });
// Completion webhooks ride along: every scheduler (leader or standby) may deliver, since
// the dispatcher claims outbox rows with SKIP LOCKED and needs no leadership.
const webhooks = createWebhookDispatcher({ prisma, logger, secretKey: config.secretKey, renderJob: (t, j) => engine.getJob(t, j) });

let closing = false;
async function shutdown(signal: string, code = 0) {
  if (closing) return;
  closing = true;
  logger.info({ signal }, "scheduler stopping");
  setTimeout(() => { logger.error({}, "scheduler did not stop in time; exiting"); process.exit(1); }, 15_000).unref();
  try {
    await scheduler.close(); // gives up leadership so a standby takes over at once
    await webhooks.close();
    await engine.close();
  } catch (err) {
    logger.error({ err }, "error while stopping");
  } finally {
    await tracing.shutdown().catch(() => {});
    await prisma.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    redis.disconnect();
    process.exit(code);
  }
}
// `on`, not `once`: tsx relays the signal our process group already got, so it arrives twice
// and a second, unhandled SIGTERM would kill us mid-shutdown.
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

try {
  await scheduler.start(); // the engine logs "scheduler started" with its id
  engine.metrics.enableClusterGauges();
  webhooks.start();
  const ready = async () => {
    const h = await engine.health();
    return h.postgres && h.redis;
  };
  await serveOps({ port: config.metricsPort, registry: engine.metrics.registry, ready, labels: { process: "scheduler", instance_id: scheduler.id }, logger });
} catch (err) {
  logger.fatal({ err }, "scheduler failed to start");
  await shutdown("startup-failure", 1);
}

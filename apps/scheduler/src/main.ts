// Scheduler process: admits waiting tasks into BullMQ by fair share. Run several: one leads,
// the others stand by and take over when its lease lapses.
import { Redis } from "ioredis";
import { ConfigError, loadConfig } from "@fanout/config";
import { createLogger } from "@fanout/logger";
import { createPool, createPrisma } from "@fanout/db";
import { createEngine } from "@fanout/engine";
import { startOpsServer } from "@fanout/ops";
import { startTracing } from "@fanout/ops/tracing";
import { createWebhookDispatcher } from "@fanout/webhooks";

const config = load();
const logger = createLogger("scheduler", config.logLevel);
const tracing = startTracing("fanout-scheduler", config.otlpEndpoint);
const prisma = createPrisma(config.databaseUrl);
const pool = createPool(config.databaseUrl); // the engine's hot path skips Prisma's per-query cost
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const engine = createEngine({ prisma, redis, logger, pool }, { prefix: config.queuePrefix });
const scheduler = engine.createScheduler({ id: config.schedulerId });
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
  await serveOps(scheduler.id);
} catch (err) {
  logger.fatal({ err }, "scheduler failed to start");
  await shutdown("startup-failure", 1);
}

/** Bad env is an operator error: say which variables are wrong, without a stack trace. */
function load() {
  try {
    return loadConfig("scheduler");
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

/** /metrics, /healthz, /readyz for Prometheus and orchestrators (METRICS_PORT; 0 = off). */
async function serveOps(id: string) {
  if (!config.metricsPort) return;
  const ready = async () => {
    const h = await engine.health();
    return h.postgres && h.redis;
  };
  try {
    const ops = await startOpsServer({ port: config.metricsPort, registry: engine.metrics.registry, ready, labels: { process: "scheduler", instance_id: id } });
    logger.info({ port: ops.port }, "ops endpoints listening");
  } catch (err) {
    // Observability must not take the worker down: run without /metrics and say so.
    logger.error({ err, port: config.metricsPort }, "could not serve ops endpoints");
  }
}

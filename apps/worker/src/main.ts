// Worker process: a thin shell that wires config, logger, Postgres and Redis into the engine
// and runs built-in handlers until SIGTERM/SIGINT. Scale by running more of these.
import { Redis } from "ioredis";
import { loadConfigOrExit } from "@fanout/config";
import { createLogger } from "@fanout/logger";
// The pool alone: the worker never loads Prisma (its client and WASM query compiler cost ~95 MB RSS).
import { createPool } from "@fanout/db/pool";
import { createEngine } from "@fanout/engine";
import { serveOps } from "@fanout/ops";
import { startTracing } from "@fanout/ops/tracing";

const config = loadConfigOrExit("worker");
const logger = createLogger("worker", config.logLevel);
const tracing = await startTracing("fanout-worker", config.otlpEndpoint);
const pool = createPool(config.databaseUrl, { asyncCommit: true }); // see PoolOptions.asyncCommit
// BullMQ's blocking commands need maxRetriesPerRequest: null on the connections it is given.
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
const engine = createEngine({ redis, logger, pool }, { prefix: config.queuePrefix });
const worker = engine.createWorker({ id: config.workerId, pool: config.pool, concurrency: config.concurrency, mainThreadNice: config.bulkNice });

let closing = false;
async function shutdown(signal: string, code = 0) {
  if (closing) return;
  closing = true;
  logger.info({ signal, workerId: worker.id }, "worker stopping");
  // Hard stop if a handler ignores cancellation: its lease expires and another worker retries.
  setTimeout(() => { logger.error({ workerId: worker.id }, "worker did not stop in time; exiting"); process.exit(1); }, 15_000).unref();
  try {
    await worker.close(); // stop taking tasks; in-flight ones keep their leases until they commit
    await engine.close();
  } catch (err) {
    logger.error({ err }, "error while stopping");
  } finally {
    await tracing.shutdown().catch(() => {});
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
  await worker.start(); // the engine logs "worker started" with its id, pool and concurrency
  const ready = async () => {
    const h = await engine.health();
    return h.postgres && h.redis;
  };
  await serveOps({ port: config.metricsPort, registry: engine.metrics.registry, ready, labels: { process: "worker", instance_id: worker.id }, logger });
} catch (err) {
  logger.fatal({ err }, "worker failed to start");
  await shutdown("startup-failure", 1);
}

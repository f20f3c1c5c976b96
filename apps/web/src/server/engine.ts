import { createEngine } from "@fanout/engine";
import { getConfig } from "./config";
import { getLogger } from "./logger";
import { getPool } from "./pool";
import { getPrisma } from "./prisma";
import { getRedis } from "./redis";
import { singleton } from "./singleton";

export const getEngine = () =>
  singleton("engine", () =>
    createEngine(
      // The engine's hot path (submit, running counts) uses a pg pool: Prisma costs ~0.7 ms of CPU a query.
      { prisma: getPrisma(), redis: getRedis(), logger: getLogger(), pool: getPool() },
      { prefix: getConfig().queuePrefix },
    ),
  );

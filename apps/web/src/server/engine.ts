import { createEngine } from "@fanout/engine";
import { getConfig } from "./config";
import { getLogger } from "./logger";
import { getPrisma } from "./prisma";
import { getRedis } from "./redis";
import { singleton } from "./singleton";

export const getEngine = () =>
  singleton("engine", () =>
    createEngine({ prisma: getPrisma(), redis: getRedis(), logger: getLogger() }, { prefix: getConfig().queuePrefix }),
  );

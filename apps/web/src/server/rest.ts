import { createRestHandler } from "@fanout/api/rest";
import { getConfig } from "./config";
import { getEngine } from "./engine";
import { getLogger } from "./logger";
import { getPrisma } from "./prisma";
import { singleton } from "./singleton";

export const getRestHandler = () =>
  singleton("rest", () => createRestHandler({ engine: getEngine(), prisma: getPrisma(), logger: getLogger(), secretKey: getConfig().secretKey }));

import { createRestHandler } from "@fanout/api/rest";
import { getApiKeyAuth } from "./api-keys";
import { getConfig } from "./config";
import { getEngine } from "./engine";
import { getLogger } from "./logger";
import { getPrisma } from "./prisma";
import { singleton } from "./singleton";

export const getRestHandler = () =>
  singleton("rest", () => {
    const keys = getApiKeyAuth();
    return createRestHandler({
      engine: getEngine(),
      prisma: getPrisma(),
      logger: getLogger(),
      secretKey: getConfig().secretKey,
      authenticate: (raw) => keys.authenticate(raw),
    });
  });

import { createApiKeyAuth } from "@fanout/auth";
import { getConfig } from "./config";
import { getLogger } from "./logger";
import { getPool } from "./pool";
import { getRedis } from "./redis";
import { singleton } from "./singleton";

/**
 * API-key authentication with a few seconds of in-process caching; revocations and tenant
 * suspensions reach every web process of this deployment over one Redis channel.
 */
export const getApiKeyAuth = () =>
  singleton("apiKeyAuth", () =>
    createApiKeyAuth({
      pool: getPool(),
      redis: getRedis(),
      channel: `${getConfig().queuePrefix}:api-keys`,
      onError: (err, what) => getLogger().warn({ err }, `${what} failed`),
    }),
  );

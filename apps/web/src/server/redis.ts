import { Redis } from "ioredis";
import { getConfig } from "./config";
import { singleton } from "./singleton";

// BullMQ needs maxRetriesPerRequest: null on connections it blocks on.
export const getRedis = () => singleton("redis", () => new Redis(getConfig().redisUrl, { maxRetriesPerRequest: null }));

import { createPool } from "@fanout/db";
import { getConfig } from "./config";
import { singleton } from "./singleton";

/** One pg pool per process for the hot paths (engine submit, API-key lookups); Prisma serves the rest. */
export const getPool = () => singleton("pool", () => createPool(getConfig().databaseUrl));

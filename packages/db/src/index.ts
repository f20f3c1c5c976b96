// @fanout/db: the one place that builds a PrismaClient. Runtime uses the pg driver
// adapter (no native engine); everything else imports types from here.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export * from "./generated/prisma/client";

export interface CreatePrismaOptions {
  /** Max pool connections (pg default is 10). */
  max?: number;
  /** Prisma log levels, e.g. ["warn", "error"]; defaults to none. */
  log?: Array<"query" | "info" | "warn" | "error">;
  /** Milliseconds before an idle pooled connection closes. */
  idleTimeoutMillis?: number;
}

/** A PrismaClient over a pg pool for `databaseUrl`. Call `$disconnect()` to close the pool. */
export function createPrisma(databaseUrl: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    // Our hot statements are short OLTP queries; Postgres's JIT spent 50-500 ms compiling
    // the scheduler's admission query because its cost estimate crossed the JIT threshold.
    options: "-c jit=off",
    ...(opts.max !== undefined ? { max: opts.max } : {}),
    ...(opts.idleTimeoutMillis !== undefined ? { idleTimeoutMillis: opts.idleTimeoutMillis } : {}),
  });
  return new PrismaClient({ adapter, ...(opts.log ? { log: opts.log } : {}) });
}

export { createPool, type Pool, type PoolOptions } from "./pool";

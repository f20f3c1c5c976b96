// Request bodies of the remote-worker API: tenant-registered handlers and the lease
// protocol (lease → heartbeat → report | release). Shared by the REST layer, the OpenAPI
// document and @fanout/sdk, so a worker built with the SDK cannot drift from the server.
import { z } from "zod";
import { handlerNameSchema, reducerSchema } from "./job";

const int = (what: string, min: number, max: number) =>
  z.number({ error: `${what} must be an integer` }).int(`${what} must be an integer`).min(min, `${what} must be at least ${min}`).max(max, `${what} must be at most ${max}`);

/** POST /api/v1/handlers */
export const registerHandlerSchema = z
  .object({
    name: handlerNameSchema,
    timeoutMs: int("timeoutMs", 1, 3_600_000).optional().describe("Per-task timeout for jobs of this handler that set none (default 30000)."),
    maxAttempts: int("maxAttempts", 1, 100).optional().describe("Attempts per item for jobs that set none (default 3)."),
    concurrencyPerWorker: int("concurrencyPerWorker", 1, 1000).optional().describe("Tasks one worker runs at once (advisory, default 8)."),
    reducer: reducerSchema.optional().describe("Reducer for jobs of this handler that set no `reduce` (default collect)."),
  })
  .strict();
export type RegisterHandlerInput = z.infer<typeof registerHandlerSchema>;

/** Worker ids are chosen by the worker (hostname-pid-random) and unique per tenant. */
export const workerIdSchema = z
  .string({ error: "workerId must be a string" })
  .min(1, "workerId must not be empty")
  .max(100, "workerId must be at most 100 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "workerId may contain only letters, digits, '_', '.', ':' and '-'");

const handlerList = z.array(handlerNameSchema).min(1, "handlers must name at least one handler").max(100, "at most 100 handlers");

/** A lease is identified by its task (jobId, seq) and fenced by the attempt number. */
export const leaseRefSchema = z
  .object({
    jobId: z.string().uuid("jobId must be a UUID"),
    seq: int("seq", 0, 2_000_000_000),
    attempt: int("attempt", 1, 2_000_000_000).describe("Fencing token returned by lease; a report with a stale attempt is refused (409 lease_expired)."),
  })
  .strict();
export type LeaseRef = z.infer<typeof leaseRefSchema>;

export const MAX_LEASE_WAIT_MS = 20_000;

/** POST /api/v1/workers/lease */
export const leaseRequestSchema = z
  .object({
    workerId: workerIdSchema,
    handlers: handlerList,
    max: int("max", 1, 100).default(1).describe("Most tasks (chunks of items) to lease at once."),
    visibilityMs: int("visibilityMs", 1000, 600_000).default(30_000).describe("Lease length; heartbeat before it lapses or the task goes to another worker."),
    waitMs: int("waitMs", 0, MAX_LEASE_WAIT_MS).default(MAX_LEASE_WAIT_MS).describe("Long-poll: how long to wait for work when none is ready."),
  })
  .strict();
export type LeaseRequestInput = z.input<typeof leaseRequestSchema>;

/** POST /api/v1/workers/heartbeat */
export const heartbeatRequestSchema = z
  .object({
    workerId: workerIdSchema,
    handlers: handlerList,
    concurrency: int("concurrency", 1, 10_000),
    leases: z.array(leaseRefSchema).max(1000, "at most 1000 leases per heartbeat"),
    visibilityMs: int("visibilityMs", 1000, 600_000).optional(),
  })
  .strict();
export type HeartbeatRequest = z.infer<typeof heartbeatRequestSchema>;

/** One item's outcome: exactly one of output or error. */
export const itemReportSchema = z.union([
  z.object({ index: int("index", 0, 2 ** 31), output: z.unknown().describe("Any JSON value; stored as the item's result.") }).strict(),
  z.object({ index: int("index", 0, 2 ** 31), error: z.string().max(10_000).describe("Why the item failed; it is retried until maxAttempts.") }).strict(),
]);
export type ItemReportInput = z.infer<typeof itemReportSchema>;

/** POST /api/v1/workers/report */
export const reportRequestSchema = leaseRefSchema
  .extend({
    workerId: workerIdSchema,
    items: z.array(itemReportSchema).max(100_000, "at most 100000 items per report"),
  })
  .strict();
export type ReportRequest = z.infer<typeof reportRequestSchema>;

/** POST /api/v1/workers/release */
export const releaseRequestSchema = z
  .object({ workerId: workerIdSchema, leases: z.array(leaseRefSchema).max(1000) })
  .strict();
export type ReleaseRequest = z.infer<typeof releaseRequestSchema>;

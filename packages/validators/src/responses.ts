// Response bodies of /api/v1 as zod schemas. They exist so the OpenAPI document is
// generated (never hand-written) and so the SDK gets its types from one place; the API
// package checks at compile time that the engine's views are assignable to them.
import { z } from "zod";
import { JOB_STATUSES, REDUCERS } from "./job";

const isoTime = z.iso.datetime({ offset: true }).describe("ISO 8601 with milliseconds");
const count = z.number().int().min(0);

export const errorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string().describe("Stable snake_case code, e.g. invalid_field, insufficient_scope, lease_expired."),
        message: z.string().describe("What went wrong and what to do, for a person."),
        field: z.string().optional().describe("Path of the field at fault, when one is."),
      })
      .strict(),
  })
  .strict();

export const jobProgressSchema = z.object({ total: count, queued: count, running: count, succeeded: count, failed: count, dead: count }).strict();

export const waitInfoSchema = z
  .object({ reason: z.string(), message: z.string(), until: isoTime.optional(), estimatedStartAt: isoTime.optional() })
  .strict();

/** GET /api/v1/jobs/{id}/result, and `result` on single-job reads. */
export const jobResultSchema = z
  .object({
    reducer: z.enum(REDUCERS),
    value: z
      .unknown()
      .describe("sum: of the numeric outputs (0 when none); min/max: null when none; count: items succeeded; collect: the outputs in item order, null when truncated."),
    count: count.describe("Outputs the value covers (numeric ones for sum/min/max; every succeeded item for count and collect)."),
    skipped: count.describe("Succeeded items whose output is not a number (sum/min/max only): left out of the value."),
    truncated: z.boolean().describe("collect only: more than 1000 outputs or 64 KiB; page or download them from /results instead."),
    final: z.boolean().describe("true once the job is finished: the stored value never changes again (a redrive reopens it); false: a live partial over the items succeeded so far."),
  })
  .strict();
export type JobResultBody = z.infer<typeof jobResultSchema>;

export const jobViewSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    handler: z.string(),
    status: z.enum(JOB_STATUSES),
    paused: z.boolean(),
    createdAt: isoTime,
    startedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    progress: jobProgressSchema,
    priority: z.number().int(),
    maxAttempts: z.number().int(),
    timeoutMs: z.number().int(),
    chunkSize: z.number().int(),
    taskCount: z.number().int(),
    pool: z.string(),
    labels: z.record(z.string(), z.string()),
    orderingKey: z.string().nullable(),
    input: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("items"), count }).strict(),
      z.object({ kind: z.literal("range"), from: z.number().int(), to: z.number().int() }).strict(),
    ]),
    waiting: waitInfoSchema.nullable().optional().describe("Single-job reads only: why a job with work is not running."),
    result: jobResultSchema.optional().describe("Single-job reads only: the job's reduction (see GET /api/v1/jobs/{id}/result)."),
  })
  .strict();
export type JobViewBody = z.infer<typeof jobViewSchema>;

/** Every list answers {data, nextCursor}; pass nextCursor back as ?cursor= until it is null. */
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() }).strict();

export const resultRowSchema = z
  .object({ index: count, status: z.enum(["succeeded", "dead"]), output: z.unknown().optional(), error: z.string().optional() })
  .strict();

export const taskViewSchema = z
  .object({
    seq: count,
    status: z.string(),
    firstIndex: count,
    itemCount: count,
    attempt: count,
    runs: count,
    workerId: z.string().nullable(),
    startedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    durationMs: z.number().nullable(),
    lastError: z.string().nullable(),
  })
  .strict();

export const deadLetterViewSchema = z
  .object({ index: count, attempts: count, error: z.string(), fingerprint: z.string(), createdAt: isoTime })
  .strict();

export const deadLetterGroupSchema = z
  .object({ fingerprint: z.string(), count, sampleError: z.string(), firstIndex: count, maxAttempts: count })
  .strict();
export const deadLetterGroupsSchema = z.object({ groupBy: z.literal("fingerprint"), data: z.array(deadLetterGroupSchema) }).strict();
export const discardResultSchema = z.object({ discarded: count }).strict();

export const remoteHandlerSchema = z
  .object({ name: z.string(), timeoutMs: z.number().int(), maxAttempts: z.number().int(), concurrencyPerWorker: z.number().int(), reducer: z.enum(REDUCERS) })
  .strict();
export const remoteHandlerListSchema = z.object({ data: z.array(remoteHandlerSchema) }).strict();

export const leasedTaskSchema = z
  .object({
    jobId: z.string().uuid(),
    seq: count,
    attempt: z.number().int().min(1).describe("Fencing token: send it back with heartbeat, report and release."),
    handler: z.string(),
    timeoutMs: z.number().int().describe("Abort the work after this long; unreported items count as failed."),
    itemAttempt: z.number().int().min(1).describe("1-based attempt of every item in this lease."),
    maxAttempts: z.number().int(),
    leaseUntil: isoTime,
    items: z.array(z.object({ index: count, item: z.unknown() }).strict()),
  })
  .strict();
export type LeasedTaskBody = z.infer<typeof leasedTaskSchema>;
export const leaseResponseSchema = z.object({ tasks: z.array(leasedTaskSchema) }).strict();

export const heartbeatResponseSchema = z
  .object({
    held: z
      .array(z.object({ jobId: z.string().uuid(), seq: count, attempt: count, leaseUntil: isoTime.nullable() }).strict())
      .describe("The leases still yours; stop working on any lease missing here."),
  })
  .strict();
export const reportResponseSchema = z.object({ jobStatus: z.enum(JOB_STATUSES) }).strict();
export const releaseResponseSchema = z.object({ released: count }).strict();

export const webhookSecretSchema = z
  .object({ secret: z.string().describe("HMAC-SHA256 key: verify Fanout-Signature with it."), signatureHeader: z.literal("Fanout-Signature") })
  .strict();

export const webhookDeliverySchema = z
  .object({
    id: z.string(),
    jobId: z.string().uuid(),
    event: z.string(),
    url: z.string(),
    status: z.enum(["pending", "delivered", "failed"]).describe("failed: gave up after the last attempt."),
    attempts: count,
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: isoTime.nullable(),
    deliveredAt: isoTime.nullable(),
    createdAt: isoTime,
  })
  .strict();
export type WebhookDeliveryBody = z.infer<typeof webhookDeliverySchema>;

export const healthSchema = z
  .object({ status: z.enum(["ok", "unavailable"]), postgres: z.boolean().optional(), redis: z.boolean().optional() })
  .strict();

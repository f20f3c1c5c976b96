import { z } from "zod";

/** Handlers built into every Fanout worker (CONTRACT.md). */
export const BUILTIN_HANDLERS = ["noop", "echo", "sha256", "sleep", "fail"] as const;
export type BuiltinHandler = (typeof BUILTIN_HANDLERS)[number];

const handlerName = z
  .string({ error: "handler must be a string naming a task type, e.g. \"sha256\"" })
  .min(1, "handler must not be empty")
  .max(100, "handler must be at most 100 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "handler may contain only letters, digits, '_', '.', ':' and '-'");
/** A handler (task type) name: built-in or registered by the tenant for its remote workers. */
export const handlerNameSchema = handlerName;

export const rangeInputSchema = z
  .object({
    from: z.number({ error: "range.from must be an integer" }).int("range.from must be an integer").min(-(2 ** 52)).max(2 ** 52),
    to: z.number({ error: "range.to must be an integer" }).int("range.to must be an integer").min(-(2 ** 52)).max(2 ** 52),
  })
  .strict()
  .refine((r) => r.to > r.from, { message: "range.to must be greater than range.from (the range is from, from+1, …, to-1)", path: ["to"] });

export const jobInputSchema = z.union(
  [
    z.object({ items: z.array(z.unknown(), { error: "input.items must be an array" }).min(1, "input.items must contain at least one item") }).strict(),
    z.object({ range: rangeInputSchema }).strict(),
  ],
  { error: "input must be {\"items\": [...]} or {\"range\": {\"from\": int, \"to\": int}}" },
);

export const backoffSchema = z
  .object({
    baseMs: z.number().int().min(0).max(3_600_000),
    maxMs: z.number().int().min(0).max(86_400_000),
  })
  .strict();

/**
 * How a job's outputs are reduced to one value (BRIEF point 7). collect: the outputs in item
 * order; sum/min/max: over the numeric outputs (anything else is counted as skipped, since a
 * handler's output cannot be refused once it ran); count: how many items succeeded.
 */
export const REDUCERS = ["collect", "sum", "count", "min", "max"] as const;
export type Reducer = (typeof REDUCERS)[number];
// fromZodError prefixes the field ("reduce: must be one of …"), so the message names none.
export const reducerSchema = z.enum(REDUCERS, { error: `must be one of ${REDUCERS.join(", ")}` });

export const labelsSchema = z
  .record(z.string().min(1).max(64), z.string().max(256), { error: "labels must be an object of string values" })
  .refine((l) => Object.keys(l).length <= 32, { message: "at most 32 labels" });

/** POST /api/v1/jobs body: used by REST, tRPC, the SDK and the dashboard form. */
export const createJobSchema = z
  .object({
    handler: handlerName,
    input: jobInputSchema,
    name: z.string().min(1).max(200).optional(),
    chunkSize: z.number().int("chunkSize must be an integer").min(1, "chunkSize must be at least 1").max(100_000, "chunkSize must be at most 100000").optional(),
    priority: z.number().int("priority must be an integer").min(0, "priority must be between 0 and 10").max(10, "priority must be between 0 and 10").optional(),
    maxAttempts: z.number().int().min(1, "maxAttempts must be at least 1").max(100, "maxAttempts must be at most 100").optional(),
    timeoutMs: z.number().int().min(1, "timeoutMs must be at least 1").max(3_600_000, "timeoutMs must be at most 3600000 (one hour)").optional(),
    orderingKey: z.string().min(1).max(200).optional(),
    labels: labelsSchema.optional(),
    backoff: backoffSchema.optional(),
    pool: z.string().regex(/^[a-z0-9-]{1,40}$/, "pool may contain only lowercase letters, digits and '-' (at most 40)").optional(),
    reduce: reducerSchema
      .optional()
      .describe("Reducer over the succeeded items' outputs (default: the handler's declared reducer, else collect). Dead items are excluded."),
    callbackUrl: z
      .string()
      .max(2000)
      .url("callbackUrl must be an absolute http(s) URL")
      .refine((u) => /^https?:\/\//i.test(u), { message: "callbackUrl must use http or https" })
      .optional(),
  })
  .strict();

export type CreateJobInput = z.infer<typeof createJobSchema>;

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];

export const listJobsQuerySchema = z.object({
  status: z.enum(JOB_STATUSES, { error: `status must be one of ${JOB_STATUSES.join(", ")}` }).optional(),
  handler: handlerName.optional(),
  q: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1, "limit must be between 1 and 200").max(200, "limit must be between 1 and 200").default(50),
  cursor: z.string().max(200).optional(),
});

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1, "limit must be between 1 and 1000").max(1000, "limit must be between 1 and 1000").default(100),
  cursor: z.string().max(200).optional(),
});

export const jobIdSchema = z.string().uuid("job id must be a UUID");

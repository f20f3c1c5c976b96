// Bodies and queries of the job controls (redrive/discard filters, dead-letter grouping)
// and the webhook endpoints.
import { z } from "zod";
import { pageQuerySchema } from "./job";

/** Selects dead items: by error fingerprint, by item index, or (empty) all of them. */
export const deadLetterFilterSchema = z
  .object({
    fingerprint: z.string().min(1).max(200).optional().describe("Only items whose error has this fingerprint (see groupBy=fingerprint)."),
    indexes: z
      .array(z.number().int("indexes must be integers").min(0, "indexes must be >= 0"))
      .min(1, "indexes must not be empty (omit it to select every dead item)")
      .max(10_000, "at most 10000 indexes")
      .optional()
      .describe("Only these item indexes."),
  })
  .strict();
export type DeadLetterFilter = z.infer<typeof deadLetterFilterSchema>;

/** GET /api/v1/jobs/{id}/dead-letters: the contract's list by default, groups on request. */
export const deadLettersQuerySchema = pageQuerySchema.extend({
  groupBy: z.enum(["fingerprint"], { error: "groupBy must be \"fingerprint\"" }).optional(),
});

/** GET /api/v1/webhooks/deliveries */
export const webhookDeliveriesQuerySchema = pageQuerySchema.extend({
  jobId: z.string().uuid("jobId must be a UUID").optional(),
});

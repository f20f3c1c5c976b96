// Schemas the dashboard shares with the server: job list filters, quotas (admin form, tRPC
// and REST `PUT /api/v1/admin/tenants/{slug}/quota`), tenants, users and memberships.
import { z } from "zod";
import { listJobsQuerySchema } from "./job";

const isoInstant = (what: string) =>
  z.iso.datetime({ offset: true, error: `${what} must be an ISO 8601 date-time, e.g. 2026-01-31T00:00:00Z` });

/** `key=value`, the way labels are typed in the filter box. */
export const labelFilterSchema = z
  .string()
  .max(330)
  .transform((s, ctx) => {
    const at = s.indexOf("=");
    const key = (at < 0 ? s : s.slice(0, at)).trim();
    const value = at < 0 ? "" : s.slice(at + 1).trim();
    if (!key || at < 0 || key.length > 64 || value.length > 256) {
      ctx.addIssue({ code: "custom", message: "label must look like key=value (key up to 64, value up to 256 characters)" });
      return z.NEVER;
    }
    return { key, value };
  });

/** The jobs list in the dashboard: the REST filters plus label and a creation window. */
export const dashboardJobsQuerySchema = listJobsQuerySchema
  .extend({
    label: labelFilterSchema.optional(),
    createdFrom: isoInstant("createdFrom").optional(),
    createdTo: isoInstant("createdTo").optional(),
  })
  .refine((f) => !f.createdFrom || !f.createdTo || new Date(f.createdFrom) < new Date(f.createdTo), {
    message: "the end of the date range must be after its start",
    path: ["createdTo"],
  });

const INT4_MAX = 2_147_483_647;
const int = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a number` })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`);

/** Every quota limit, with the ranges the engine can honour. */
export const quotaFieldsSchema = z.object({
  weight: int("weight", 1, 10_000).describe("Fair-share weight against other tenants."),
  maxConcurrent: int("maxConcurrent", 1, INT4_MAX).describe("Tasks admitted or running at once."),
  maxQueuedItems: int("maxQueuedItems", 0, Number.MAX_SAFE_INTEGER).describe("Unfinished items across active jobs."),
  submitRatePerSec: z
    .number({ error: "submitRatePerSec must be a number" })
    .min(0.001, "submitRatePerSec must be at least 0.001")
    .max(1_000_000, "submitRatePerSec must be at most 1000000")
    .describe("Job submissions per second (token bucket refill)."),
  submitBurst: int("submitBurst", 1, 1_000_000).describe("Token bucket size."),
  maxItemsPerJob: int("maxItemsPerJob", 1, INT4_MAX),
  maxPayloadBytes: int("maxPayloadBytes", 1024, INT4_MAX),
  minPriority: int("minPriority", 0, 10),
  maxPriority: int("maxPriority", 0, 10),
});
export type QuotaFields = z.infer<typeof quotaFieldsSchema>;

/** A partial change; at least one field. Cross-field rules are checked against the merged quota. */
export const quotaUpdateSchema = quotaFieldsSchema
  .partial()
  .strict()
  .refine((q) => Object.keys(q).length > 0, { message: "send at least one quota field to change" });
export type QuotaUpdate = z.infer<typeof quotaUpdateSchema>;

/** Rules spanning fields, on the quota as it would be after the change. */
export function quotaProblems(q: QuotaFields): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (q.minPriority > q.maxPriority) out.push({ field: "minPriority", message: "minPriority must not be greater than maxPriority" });
  return out;
}

export const tenantSlugSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "slug must be 1-63 lowercase letters, digits and inner hyphens");

export const tenantCreateSchema = z
  .object({
    slug: tenantSlugSchema,
    name: z.string().trim().min(1, "name must not be empty").max(200, "name must be at most 200 characters"),
    /** Make the creating admin the tenant's owner (so it shows in their tenant switcher). */
    joinAsOwner: z.boolean().default(false),
  })
  .strict();

export const ROLE_NAMES = ["viewer", "member", "admin", "owner"] as const;

export const userCreateSchema = z
  .object({
    email: z.email("email must be an email address").max(320).transform((e) => e.trim().toLowerCase()),
    name: z.string().trim().max(200).optional(),
    password: z.string().min(12, "password must be at least 12 characters").max(1024),
    isPlatformAdmin: z.boolean().default(false),
  })
  .strict();

export const membershipSetSchema = z
  .object({
    email: z.email("email must be an email address").max(320).transform((e) => e.trim().toLowerCase()),
    role: z.enum(ROLE_NAMES, { error: `role must be one of ${ROLE_NAMES.join(", ")}` }),
  })
  .strict();

/** GET/PUT /api/v1/admin/tenants/{slug}/quota answer. */
export const tenantQuotaSchema = quotaFieldsSchema
  .extend({
    tenant: z.object({ id: z.string().uuid(), slug: z.string(), name: z.string() }).strict(),
    updatedAt: z.iso.datetime({ offset: true }).describe("ISO 8601 with milliseconds"),
  })
  .strict();

// Every /api operation with the zod schemas it reads and answers. The OpenAPI document is
// generated from this table (./document.ts); a test checks it covers every route in
// rest/routes.ts, so a new route cannot ship undocumented.
import type { Scope } from "@fanout/auth";
import { SCOPES } from "@fanout/auth";
import * as v from "@fanout/validators";
import { z } from "zod";

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

export interface OperationSpec {
  method: "get" | "post" | "put" | "delete";
  /** Full path with {params}, e.g. /api/v1/jobs/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** null: no API key needed. */
  scope: Scope | null;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean; description?: string };
  idempotencyKey?: boolean;
  /** Success status → response schema (null: no body). */
  success: { status: number; description: string; schema: z.ZodType | null; rateLimited?: boolean; location?: boolean };
  errors: ErrorStatus[];
  /** Body of the error responses when it is not the contract's error body (health's 503). */
  errorSchema?: z.ZodType;
}

// Schemas named in components (request side and response side are converted separately,
// so defaults show as optional in requests and as present in responses).
export const REQUEST_SCHEMAS = {
  CreateJobRequest: v.createJobSchema,
  RegisterHandlerRequest: v.registerHandlerSchema,
  LeaseRequest: v.leaseRequestSchema,
  HeartbeatRequest: v.heartbeatRequestSchema,
  ReportRequest: v.reportRequestSchema,
  ReleaseRequest: v.releaseRequestSchema,
  DeadLetterFilter: v.deadLetterFilterSchema,
  QuotaUpdate: v.quotaUpdateSchema,
} as const;

const DEAD_LETTER_PAGE = v.pageSchema(v.deadLetterViewSchema);

export const RESPONSE_SCHEMAS = {
  Error: v.errorBodySchema,
  Job: v.jobViewSchema,
  JobResult: v.jobResultSchema,
  JobPage: v.pageSchema(v.jobViewSchema),
  ResultPage: v.pageSchema(v.resultRowSchema),
  TaskPage: v.pageSchema(v.taskViewSchema),
  DeadLetterPage: DEAD_LETTER_PAGE,
  DeadLetterGroups: v.deadLetterGroupsSchema,
  DeadLetterList: z.union([DEAD_LETTER_PAGE, v.deadLetterGroupsSchema]),
  DiscardResult: v.discardResultSchema,
  Handler: v.remoteHandlerSchema,
  HandlerList: v.remoteHandlerListSchema,
  LeaseResponse: v.leaseResponseSchema,
  HeartbeatResponse: v.heartbeatResponseSchema,
  ReportResponse: v.reportResponseSchema,
  ReleaseResponse: v.releaseResponseSchema,
  WebhookSecret: v.webhookSecretSchema,
  WebhookDeliveryPage: v.pageSchema(v.webhookDeliverySchema),
  Health: v.healthSchema,
  TenantQuota: v.tenantQuotaSchema,
} as const;

const R = RESPONSE_SCHEMAS;
const OPENAPI_DOC = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string() }), paths: z.record(z.string(), z.unknown()) });
const AUTH: ErrorStatus[] = [401, 403];
const JOB: ErrorStatus[] = [...AUTH, 404];
const BODY: ErrorStatus[] = [400, 413, 415];
const job = (path: string) => `/api/v1/jobs/{id}${path}`;

export const OPERATIONS: OperationSpec[] = [
  {
    method: "post", path: "/api/v1/jobs", operationId: "createJob", tag: "Jobs", scope: SCOPES.jobsWrite,
    summary: "Create a job",
    description: "Answers 201 with the job; with an Idempotency-Key already used for the same body, 200 with the original job.",
    body: { schema: v.createJobSchema, required: true }, idempotencyKey: true,
    success: { status: 201, description: "The job was created (200: the original job for a repeated Idempotency-Key).", schema: R.Job, rateLimited: true, location: true },
    errors: [...BODY, ...AUTH, 409, 422, 429],
  },
  {
    method: "get", path: "/api/v1/jobs", operationId: "listJobs", tag: "Jobs", scope: SCOPES.jobsRead, summary: "List jobs, newest first",
    query: v.listJobsQuerySchema, success: { status: 200, description: "A page of jobs.", schema: R.JobPage }, errors: [400, ...AUTH],
  },
  { method: "get", path: job(""), operationId: "getJob", tag: "Jobs", scope: SCOPES.jobsRead, summary: "Get a job", success: { status: 200, description: "The job.", schema: R.Job }, errors: JOB },
  {
    method: "get", path: job("/results"), operationId: "getResults", tag: "Jobs", scope: SCOPES.jobsRead, summary: "Results in item order",
    query: v.pageQuerySchema, success: { status: 200, description: "A page of results.", schema: R.ResultPage }, errors: [400, ...JOB],
  },
  {
    method: "get", path: job("/result"), operationId: "getJobResult", tag: "Jobs", scope: SCOPES.jobsRead, summary: "The job's reduction",
    description:
      "The succeeded items' outputs reduced by the job's reducer (its `reduce`, else the handler's declared one, else collect); dead items are excluded. " +
      "final: stored once the job finished, read in O(1); otherwise a live partial recomputed at most every few seconds. " +
      "sum/min/max skip non-numeric outputs and count them in `skipped`; collect inlines at most 1000 outputs (64 KiB), else `truncated` (use /results).",
    success: { status: 200, description: "The reduction.", schema: R.JobResult }, errors: JOB,
  },
  {
    method: "get", path: job("/tasks"), operationId: "listTasks", tag: "Jobs", scope: SCOPES.jobsRead, summary: "Tasks (chunks) of a job",
    query: v.pageQuerySchema, success: { status: 200, description: "A page of tasks.", schema: R.TaskPage }, errors: [400, ...JOB],
  },
  {
    method: "get", path: job("/dead-letters"), operationId: "listDeadLetters", tag: "Dead letters", scope: SCOPES.jobsRead,
    summary: "Items that exhausted their attempts",
    description: "A page of dead items by default; with groupBy=fingerprint, one row per distinct error (DeadLetterGroups).",
    query: v.deadLettersQuerySchema,
    success: { status: 200, description: "DeadLetterPage, or DeadLetterGroups with groupBy.", schema: R.DeadLetterList },
    errors: [400, ...JOB],
  },
  { method: "post", path: job("/cancel"), operationId: "cancelJob", tag: "Jobs", scope: SCOPES.jobsWrite, summary: "Cancel queued and running work", success: { status: 200, description: "The job.", schema: R.Job }, errors: JOB },
  { method: "post", path: job("/pause"), operationId: "pauseJob", tag: "Jobs", scope: SCOPES.jobsWrite, summary: "Pause: no new tasks start", success: { status: 200, description: "The job.", schema: R.Job }, errors: JOB },
  { method: "post", path: job("/resume"), operationId: "resumeJob", tag: "Jobs", scope: SCOPES.jobsWrite, summary: "Resume a paused job", success: { status: 200, description: "The job.", schema: R.Job }, errors: JOB },
  {
    method: "post", path: job("/redrive"), operationId: "redriveJob", tag: "Dead letters", scope: SCOPES.jobsWrite, summary: "Put dead items back to work",
    description: "No body (or {}) redrives every dead item; a fingerprint and/or indexes select some.",
    body: { schema: v.deadLetterFilterSchema, required: false }, success: { status: 200, description: "The job.", schema: R.Job }, errors: [...BODY, ...JOB, 409],
  },
  {
    method: "post", path: job("/dead-letters/discard"), operationId: "discardDeadLetters", tag: "Dead letters", scope: SCOPES.jobsWrite,
    summary: "Acknowledge dead items without re-running them", body: { schema: v.deadLetterFilterSchema, required: false },
    success: { status: 200, description: "How many were discarded.", schema: R.DiscardResult }, errors: [...BODY, ...JOB],
  },
  {
    method: "post", path: "/api/v1/handlers", operationId: "registerHandler", tag: "Remote workers", scope: SCOPES.jobsWrite,
    summary: "Register (or update) a handler your own workers run", body: { schema: v.registerHandlerSchema, required: true },
    success: { status: 200, description: "The handler.", schema: R.Handler }, errors: [...BODY, ...AUTH, 409],
  },
  { method: "get", path: "/api/v1/handlers", operationId: "listHandlers", tag: "Remote workers", scope: SCOPES.jobsRead, summary: "List registered handlers", success: { status: 200, description: "The handlers.", schema: R.HandlerList }, errors: AUTH },
  { method: "delete", path: "/api/v1/handlers/{name}", operationId: "deleteHandler", tag: "Remote workers", scope: SCOPES.jobsWrite, summary: "Delete a handler", success: { status: 204, description: "Deleted.", schema: null }, errors: [...AUTH, 404] },
  {
    method: "post", path: "/api/v1/workers/lease", operationId: "lease", tag: "Remote workers", scope: SCOPES.workers, summary: "Lease tasks (long poll)",
    description: "Waits up to waitMs for work. Each task is yours until leaseUntil; heartbeat to keep it, report its items, or release it.",
    body: { schema: v.leaseRequestSchema, required: true }, success: { status: 200, description: "Leased tasks (empty when none came in time).", schema: R.LeaseResponse }, errors: [...BODY, ...AUTH, 409],
  },
  {
    method: "post", path: "/api/v1/workers/heartbeat", operationId: "heartbeat", tag: "Remote workers", scope: SCOPES.workers, summary: "Extend leases and report liveness",
    body: { schema: v.heartbeatRequestSchema, required: true }, success: { status: 200, description: "The leases still held.", schema: R.HeartbeatResponse }, errors: [...BODY, ...AUTH, 409],
  },
  {
    method: "post", path: "/api/v1/workers/report", operationId: "report", tag: "Remote workers", scope: SCOPES.workers, summary: "Report a lease's item outcomes",
    description: "409 lease_expired when the lease lapsed or was superseded: drop the results, the task runs again elsewhere.",
    body: { schema: v.reportRequestSchema, required: true }, success: { status: 200, description: "Recorded.", schema: R.ReportResponse }, errors: [...BODY, ...AUTH, 409],
  },
  {
    method: "post", path: "/api/v1/workers/release", operationId: "release", tag: "Remote workers", scope: SCOPES.workers, summary: "Hand leases back (shutdown)",
    body: { schema: v.releaseRequestSchema, required: true }, success: { status: 200, description: "How many were released.", schema: R.ReleaseResponse }, errors: [...BODY, ...AUTH],
  },
  { method: "get", path: "/api/v1/webhooks/secret", operationId: "getWebhookSecret", tag: "Webhooks", scope: SCOPES.jobsWrite, summary: "The tenant's webhook signing secret", success: { status: 200, description: "The secret.", schema: R.WebhookSecret }, errors: [...AUTH, 503] },
  {
    method: "get", path: "/api/v1/webhooks/deliveries", operationId: "listWebhookDeliveries", tag: "Webhooks", scope: SCOPES.jobsRead, summary: "Webhook deliveries, newest first",
    query: v.webhookDeliveriesQuerySchema, success: { status: 200, description: "A page of deliveries.", schema: R.WebhookDeliveryPage }, errors: [400, ...AUTH],
  },
  {
    method: "get", path: "/api/v1/admin/tenants/{slug}/quota", operationId: "getTenantQuota", tag: "Admin", scope: SCOPES.admin,
    summary: "A tenant's quota", description: "Platform administration: any tenant, by slug. Only platform administrators can grant the admin scope.",
    success: { status: 200, description: "The quota.", schema: R.TenantQuota }, errors: [...AUTH, 404],
  },
  {
    method: "put", path: "/api/v1/admin/tenants/{slug}/quota", operationId: "updateTenantQuota", tag: "Admin", scope: SCOPES.admin,
    summary: "Change a tenant's quota",
    description: "Send only the fields to change. Validated on the merged quota (minPriority ≤ maxPriority), audit-logged with the key as actor, and enforced by the engine's next admission round and submit.",
    body: { schema: v.quotaUpdateSchema, required: true }, success: { status: 200, description: "The quota after the change.", schema: R.TenantQuota }, errors: [...BODY, ...AUTH, 404],
  },
  { method: "get", path: "/api/v1/openapi.json", operationId: "getOpenApi", tag: "Meta", scope: null, summary: "This document", success: { status: 200, description: "OpenAPI 3.1 document.", schema: OPENAPI_DOC }, errors: [] },
  { method: "get", path: "/api/health", operationId: "health", tag: "Meta", scope: null, summary: "Liveness of Postgres and Redis", success: { status: 200, description: "Both answer (503 otherwise).", schema: R.Health }, errors: [503], errorSchema: R.Health },
];

// @fanout/sdk: the typed REST client, the remote-worker runtime and webhook verification.
export { FanoutClient, isFinished, type FanoutClientOptions, type Job, type JobResult, type JobStatus, type ResultRow, type TaskRow, type DeadLetter, type DeadLetterGroups, type RemoteHandler, type WebhookDelivery, type Page, type SubmitOptions, type PollOptions } from "./client.js";
export { createWorker, type WorkerOptions, type Handler, type ItemContext, type FanoutWorker } from "./worker.js";
export { FanoutApiError, isLeaseExpired } from "./errors.js";
export { verifyWebhookSignature } from "./webhooks.js";
export { parseRetryAfter } from "./http.js";
export type { CreateJobInput, RegisterHandlerInput, DeadLetterFilter, Reducer } from "./schemas/index.js";
/** The zod schemas the server validates with, for forms and pre-validation. */
export * as schemas from "./schemas/index.js";

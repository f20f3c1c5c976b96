// Typed client for the Fanout REST API (/api/v1). Types come from the same zod schemas
// the server validates with (src/schemas, copied from @fanout/validators); submit checks
// its input locally first, so a bad field fails fast with the server's own message.
import type { z } from "zod";
import { Http, type HttpOptions } from "./http.js";
import {
  createJobSchema,
  fromZodError,
  type CreateJobInput,
  type DeadLetterFilter,
  type JOB_STATUSES,
  type RegisterHandlerInput,
  type deadLetterGroupsSchema,
  type deadLetterViewSchema,
  type jobResultSchema,
  type jobViewSchema,
  type remoteHandlerSchema,
  type resultRowSchema,
  type taskViewSchema,
  type webhookDeliverySchema,
} from "./schemas/index.js";
import { FanoutApiError } from "./errors.js";

export type Job = z.output<typeof jobViewSchema>;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type ResultRow = z.output<typeof resultRowSchema>;
/** A job's outputs reduced to one value: `final` once the job finished, else a live partial. */
export type JobResult = z.output<typeof jobResultSchema>;
export type TaskRow = z.output<typeof taskViewSchema>;
export type DeadLetter = z.output<typeof deadLetterViewSchema>;
export type DeadLetterGroups = z.output<typeof deadLetterGroupsSchema>;
export type RemoteHandler = z.output<typeof remoteHandlerSchema>;
export type WebhookDelivery = z.output<typeof webhookDeliverySchema>;
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type FanoutClientOptions = HttpOptions;
export interface SubmitOptions {
  /** Same key + same body returns the original job instead of a second one. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}
export interface PollOptions {
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
export const isFinished = (j: Pick<Job, "status">) => FINISHED.has(j.status);
const enc = encodeURIComponent;
const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

export class FanoutClient {
  readonly http: Http;

  constructor(options: FanoutClientOptions) {
    this.http = new Http(options);
  }

  /** Creates a job. With the same idempotencyKey and body, returns the original job (created: false). */
  async submit(input: CreateJobInput, opts: SubmitOptions = {}): Promise<Job & { created: boolean; rateLimit?: string }> {
    const parsed = createJobSchema.safeParse(input);
    if (!parsed.success) {
      const e = fromZodError(parsed.error);
      throw new FanoutApiError(400, e.code, e.message, e.field);
    }
    const headers: Record<string, string> = opts.idempotencyKey ? { "idempotency-key": opts.idempotencyKey } : {};
    const r = await this.http.request<Job>("POST", "/api/v1/jobs", { body: parsed.data, headers, signal: opts.signal });
    return { ...r.body, created: r.status === 201, rateLimit: r.headers.get("ratelimit") ?? undefined };
  }

  async get(jobId: string, signal?: AbortSignal): Promise<Job> {
    return (await this.http.request<Job>("GET", `/api/v1/jobs/${enc(jobId)}`, { signal })).body;
  }

  /** One page of jobs, newest first. */
  async listPage(filter: { status?: JobStatus; handler?: string; q?: string; limit?: number; cursor?: string } = {}): Promise<Page<Job>> {
    return (await this.http.request<Page<Job>>("GET", "/api/v1/jobs", { query: filter })).body;
  }

  /** Every job matching the filter, fetching pages as you iterate. */
  async *list(filter: { status?: JobStatus; handler?: string; q?: string; pageSize?: number } = {}): AsyncGenerator<Job> {
    const { pageSize, ...rest } = filter;
    yield* this.paginate((cursor) => this.listPage({ ...rest, limit: pageSize, cursor }));
  }

  /** Every result in item order ({index, status, output | error}). */
  async *results(jobId: string, opts: { pageSize?: number } = {}): AsyncGenerator<ResultRow> {
    yield* this.paginate((cursor) => this.page<ResultRow>(`/api/v1/jobs/${enc(jobId)}/results`, opts.pageSize ?? 1000, cursor));
  }

  /**
   * The job's reduction (its `reduce`: collect, sum, count, min or max) over the succeeded
   * items; dead items are excluded. Poll until `final`, or call after waitUntilDone.
   */
  async result(jobId: string, signal?: AbortSignal): Promise<JobResult> {
    return (await this.http.request<JobResult>("GET", `/api/v1/jobs/${enc(jobId)}/result`, { signal })).body;
  }

  async *tasks(jobId: string): AsyncGenerator<TaskRow> {
    yield* this.paginate((cursor) => this.page<TaskRow>(`/api/v1/jobs/${enc(jobId)}/tasks`, 500, cursor));
  }

  async *deadLetters(jobId: string): AsyncGenerator<DeadLetter> {
    yield* this.paginate((cursor) => this.page<DeadLetter>(`/api/v1/jobs/${enc(jobId)}/dead-letters`, 500, cursor));
  }

  async deadLetterGroups(jobId: string): Promise<DeadLetterGroups> {
    return (await this.http.request<DeadLetterGroups>("GET", `/api/v1/jobs/${enc(jobId)}/dead-letters`, { query: { groupBy: "fingerprint" } })).body;
  }

  /**
   * Yields the job each time its progress or status changes, ending with the finished job.
   * Polls (the REST API has no push channel yet); `intervalMs` bounds the staleness.
   */
  async *streamProgress(jobId: string, opts: PollOptions = {}): AsyncGenerator<Job> {
    const interval = opts.intervalMs ?? 500;
    const end = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
    let last = "";
    for (;;) {
      const job = await this.get(jobId, opts.signal);
      const key = JSON.stringify([job.status, job.progress, job.paused]);
      if (key !== last) {
        last = key;
        yield job;
      }
      if (isFinished(job)) return;
      if (Date.now() >= end) throw new FanoutApiError(408, "wait_timeout", `Job ${jobId} is still ${job.status} after ${opts.timeoutMs} ms.`);
      await delay(interval, opts.signal);
    }
  }

  /** Resolves with the job once it succeeded, failed or was cancelled. */
  async waitUntilDone(jobId: string, opts: PollOptions = {}): Promise<Job> {
    let job: Job | undefined;
    for await (const j of this.streamProgress(jobId, opts)) job = j;
    return job!;
  }

  cancel = (jobId: string) => this.post<Job>(`/api/v1/jobs/${enc(jobId)}/cancel`);
  pause = (jobId: string) => this.post<Job>(`/api/v1/jobs/${enc(jobId)}/pause`);
  resume = (jobId: string) => this.post<Job>(`/api/v1/jobs/${enc(jobId)}/resume`);
  /** Puts dead items back to work: all of them, or those matching a fingerprint / indexes. */
  redrive = (jobId: string, filter?: DeadLetterFilter) => this.post<Job>(`/api/v1/jobs/${enc(jobId)}/redrive`, filter);
  discardDeadLetters = (jobId: string, filter?: DeadLetterFilter) => this.post<{ discarded: number }>(`/api/v1/jobs/${enc(jobId)}/dead-letters/discard`, filter);

  readonly handlers = {
    /** Registers (or updates) a handler your own workers serve; jobs naming it wait for them. */
    register: (h: RegisterHandlerInput) => this.post<RemoteHandler>("/api/v1/handlers", h),
    list: async () => (await this.http.request<{ data: RemoteHandler[] }>("GET", "/api/v1/handlers")).body.data,
    delete: async (name: string) => void (await this.http.request("DELETE", `/api/v1/handlers/${enc(name)}`)),
  };

  readonly webhooks = {
    /** The HMAC secret deliveries are signed with (see verifyWebhookSignature). */
    secret: async () => (await this.http.request<{ secret: string }>("GET", "/api/v1/webhooks/secret")).body.secret,
    deliveries: (q: { jobId?: string; limit?: number; cursor?: string } = {}) =>
      this.http.request<Page<WebhookDelivery>>("GET", "/api/v1/webhooks/deliveries", { query: q }).then((r) => r.body),
  };

  private async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.http.request<T>("POST", path, { body })).body;
  }

  private async page<T>(path: string, limit: number, cursor?: string): Promise<Page<T>> {
    return (await this.http.request<Page<T>>("GET", path, { query: { limit, cursor } })).body;
  }

  private async *paginate<T>(fetchPage: (cursor?: string) => Promise<Page<T>>): AsyncGenerator<T> {
    let cursor: string | undefined;
    do {
      const p = await fetchPage(cursor);
      yield* p.data;
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
  }
}

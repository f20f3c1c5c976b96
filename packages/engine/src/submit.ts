import { createHash } from "node:crypto";
import type { Job, PrismaClient } from "@fanout/db";
import { FanoutError, type CreateJobInput, type Reducer } from "@fanout/validators";
import { chooseChunkSize, sliceTasks } from "./chunking";
import type { EngineContext } from "./context";
import { builtinReducers, isKnownHandler } from "./handlers";
import { observedItemMicros } from "./handler-stats";
import { taskOrderingKeys } from "./ordering";
import type { NewJob } from "./job-insert";
import type { TenantQuota } from "./quota";
import { takeSubmitToken } from "./rate-limit";
import { isRemotePool, remotePool } from "./remote";
import { snapshotOf, type TaskSnapshot } from "./snapshot";

export interface SubmitOptions {
  idempotencyKey?: string;
  requestBytes?: number;
  /** W3C traceparent to continue: the job's trace follows its tasks to the handler. */
  traceparent?: string;
}

export interface SubmitOutcome {
  job: Job;
  created: boolean;
  /** RateLimit headers describing the tenant's submit budget after this call. */
  headers: Record<string, string>;
  pool: string;
  /** The job's first task was admitted at submit (admits 1): the caller enqueues it. */
  foothold?: boolean;
  /** With a foothold: the first task as inserted, for an optimistic start (snapshot.ts). */
  snapshot?: TaskSnapshot;
}

/** Stable JSON (sorted keys) so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value as object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function requestHash(input: CreateJobInput): string {
  return createHash("sha256").update(canonical(input)).digest("hex");
}

interface Route {
  pool: string;
  timeoutMs: number;
  maxAttempts: number;
  /** The job's own `reduce`, else the handler's declared one, else collect (DESIGN §7). */
  reducer: Reducer;
}

/** Built-in handlers run in our workers; a tenant's registered handlers go to its remote pool. */
async function routeHandler(prisma: PrismaClient, tenantId: string, input: CreateJobInput): Promise<Route> {
  if (isKnownHandler(input.handler)) {
    const reducer = input.reduce ?? builtinReducers[input.handler] ?? "collect";
    return { pool: input.pool ?? "default", timeoutMs: input.timeoutMs ?? 30_000, maxAttempts: input.maxAttempts ?? 3, reducer };
  }
  const remote = await prisma.remoteHandler.findUnique({ where: { tenantId_name: { tenantId, name: input.handler } } });
  if (!remote) {
    throw new FanoutError(400, "unknown_handler", `Unknown handler "${input.handler}". Built-in handlers are noop, echo, sha256, sleep and fail; register your own with POST /api/v1/handlers.`, "handler");
  }
  return { pool: remotePool(tenantId), timeoutMs: input.timeoutMs ?? remote.timeoutMs, maxAttempts: input.maxAttempts ?? remote.maxAttempts, reducer: input.reduce ?? remote.reducer };
}

function checkLimits(input: CreateJobInput, total: number, quota: TenantQuota, opts: SubmitOptions): void {
  if (total > quota.maxItemsPerJob) {
    throw new FanoutError(422, "max_items_exceeded", `This job has ${total} items; your tenant allows at most ${quota.maxItemsPerJob} per job. Split it into several jobs.`, "input");
  }
  if (opts.requestBytes !== undefined && opts.requestBytes > quota.maxPayloadBytes) {
    throw new FanoutError(413, "payload_too_large", `The request is ${opts.requestBytes} bytes; your tenant allows at most ${quota.maxPayloadBytes}.`);
  }
  const priority = input.priority ?? 0;
  if (priority < quota.minPriority || priority > quota.maxPriority) {
    throw new FanoutError(422, "priority_not_allowed", `priority must be between ${quota.minPriority} and ${quota.maxPriority} for your tenant.`, "priority");
  }
}

/**
 * Max-queued-items: 422 when the job alone can never fit, 429 when the tenant's backlog
 * leaves no room now. Answers whether the tenant is idle in the pool (a foothold is
 * worth the foothold lock).
 */
async function checkQueuedItems(ctx: EngineContext, tenantId: string, pool: string, total: number, quota: TenantQuota): Promise<boolean> {
  if (total > quota.maxQueuedItems) {
    throw new FanoutError(422, "max_queued_items_exceeded", `This job has ${total} items but your tenant may have at most ${quota.maxQueuedItems} queued; it can never fit. Split it.`, "input");
  }
  const { queued, liveInPool } = await ctx.queuedItems.get(ctx.sql, tenantId, pool, quota.maxQueuedItems);
  if (queued + total > quota.maxQueuedItems) {
    throw new FanoutError(
      429,
      "max_queued_items_exceeded",
      `Your tenant already has ${queued} items waiting; this job's ${total} would pass the limit of ${quota.maxQueuedItems}. Retry when some work finishes.`,
      "input",
      { "Retry-After": "5" },
    );
  }
  return liveInPool === 0;
}

/**
 * Validates against the tenant's quota, then writes the job and all its tasks
 * atomically, so anything answered 2xx is durable. Idempotency rides on the unique
 * (tenantId, idempotencyKey) index: a concurrent duplicate waits on the index and then
 * finds the original.
 */
export async function submitJob(ctx: EngineContext, tenantId: string, input: CreateJobInput, opts: SubmitOptions = {}): Promise<SubmitOutcome> {
  const { prisma } = ctx;
  const items = "items" in input.input ? input.input.items : undefined;
  const range = "range" in input.input ? input.input.range : undefined;
  const total = items ? items.length : range!.to - range!.from;
  const [quota, route] = await Promise.all([ctx.quotas.get(tenantId), routeHandler(prisma, tenantId, input)]);
  checkLimits(input, total, quota, opts);
  // Concurrently: a request refused for its backlog still spends a rate-limit token,
  // as rate limits count requests.
  const [idle, headers, observed] = await Promise.all([
    checkQueuedItems(ctx, tenantId, route.pool, total, quota),
    takeSubmitToken(ctx.redis, `${ctx.prefix}:{tenant-${tenantId}}:submit-bucket`, { ratePerSec: quota.submitRatePerSec, burst: quota.submitBurst }),
    input.chunkSize ? undefined : observedItemMicros(ctx, input.handler),
  ]);

  // Only an idempotent submit is ever compared with another; hashing every item of
  // every other job would cost time proportional to its size for nothing.
  const hash = opts.idempotencyKey ? requestHash(input) : null;
  const chunkSize = Math.min(input.chunkSize ?? chooseChunkSize(input.handler, total, items, observed), total);
  const slices = sliceTasks(total, chunkSize);
  const row: NewJob = {
    tenantId,
    name: input.name ?? `${input.handler} × ${total}`,
    handler: input.handler,
    pool: route.pool,
    inputKind: items ? "items" : "range",
    rangeFrom: range ? BigInt(range.from) : null,
    rangeTo: range ? BigInt(range.to) : null,
    totalItems: total,
    chunkSize,
    taskCount: slices.length,
    priority: input.priority ?? 0,
    maxAttempts: route.maxAttempts,
    timeoutMs: route.timeoutMs,
    backoffBaseMs: input.backoff?.baseMs ?? 1000,
    backoffMaxMs: input.backoff?.maxMs ?? 60_000,
    orderingKey: input.orderingKey ?? null,
    labels: JSON.stringify(input.labels ?? {}),
    idempotencyKey: opts.idempotencyKey ?? null,
    requestHash: hash,
    callbackUrl: input.callbackUrl ?? null,
    traceparent: opts.traceparent ?? null,
    reducer: route.reducer,
  };
  const tasks = { slices, items, orderingKeys: taskOrderingKeys(slices, input.orderingKey, items) };
  // A tenant idle in the pool gets its first task admitted by the insert statement, under
  // its own foothold lock (job-insert.ts; in a group of concurrent submits, for the
  // tenant's first job stored, job-group-insert.ts): no scheduler round between submit and run.
  const footholdLeaseMs = idle && !isRemotePool(route.pool) ? ctx.leaseMs * 2 : null;
  const inserted = await ctx.jobInserter.insert({ job: row, tasks, footholdLeaseMs, bytes: opts.requestBytes });
  if (inserted) {
    ctx.queuedItems.accepted(tenantId, total);
    const snapshot = inserted.footholdAdmitted ? snapshotOf(inserted.job, inserted.footholdItems ?? null, slices[0]!.itemCount) : undefined;
    return { job: inserted.job, created: true, headers, pool: route.pool, foothold: inserted.footholdAdmitted, snapshot };
  }

  // The key exists: a concurrent duplicate waited on the unique index and lands here.
  const original = await prisma.job.findUnique({ where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: opts.idempotencyKey! } } });
  if (!original) throw new FanoutError(409, "idempotency_conflict", "A request with this Idempotency-Key is still being processed; retry shortly.");
  if (original.requestHash !== hash) {
    throw new FanoutError(409, "idempotency_key_reused", "This Idempotency-Key was already used with a different request body. Use a new key for a different job.", "Idempotency-Key");
  }
  return { job: original, created: false, headers, pool: original.pool };
}

import { createHash } from "node:crypto";
import type { PrismaClient } from "@fanout/db";
import { FanoutError, type CreateJobInput } from "@fanout/validators";
import { chooseChunkSize, sliceTasks } from "./chunking";
import type { EngineContext } from "./context";
import { isKnownHandler } from "./handlers";
import { observedItemMicros } from "./handler-stats";
import { taskOrderingKeys } from "./ordering";
import { loadQuota, type TenantQuota } from "./quota";
import { takeSubmitToken } from "./rate-limit";
import { remotePool } from "./remote";

export interface SubmitOptions {
  idempotencyKey?: string;
  requestBytes?: number;
  /** W3C traceparent to continue: the job's trace follows its tasks to the handler. */
  traceparent?: string;
}

export interface SubmitOutcome {
  jobId: string;
  created: boolean;
  /** RateLimit headers describing the tenant's submit budget after this call. */
  headers: Record<string, string>;
  pool?: string;
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
}

/** Built-in handlers run in our workers; a tenant's registered handlers go to its remote pool. */
async function routeHandler(prisma: PrismaClient, tenantId: string, input: CreateJobInput): Promise<Route> {
  if (isKnownHandler(input.handler)) return { pool: input.pool ?? "default", timeoutMs: input.timeoutMs ?? 30_000, maxAttempts: input.maxAttempts ?? 3 };
  const remote = await prisma.remoteHandler.findUnique({ where: { tenantId_name: { tenantId, name: input.handler } } });
  if (!remote) {
    throw new FanoutError(400, "unknown_handler", `Unknown handler "${input.handler}". Built-in handlers are noop, echo, sha256, sleep and fail; register your own with POST /api/v1/handlers.`, "handler");
  }
  return { pool: remotePool(tenantId), timeoutMs: input.timeoutMs ?? remote.timeoutMs, maxAttempts: input.maxAttempts ?? remote.maxAttempts };
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

/** Items accepted but not finished across the tenant's live jobs. */
async function checkQueuedItems(prisma: PrismaClient, tenantId: string, total: number, quota: TenantQuota): Promise<void> {
  if (total > quota.maxQueuedItems) {
    throw new FanoutError(422, "max_queued_items_exceeded", `This job has ${total} items but your tenant may have at most ${quota.maxQueuedItems} queued; it can never fit. Split it.`, "input");
  }
  const [row] = await prisma.$queryRawUnsafe<{ queued: number }[]>(
    `SELECT coalesce(sum("totalItems" - "itemsSucceeded" - "itemsDead"), 0)::float8 AS queued
     FROM jobs WHERE "tenantId" = $1::uuid AND status IN ('queued', 'running')`,
    tenantId,
  );
  const queued = row?.queued ?? 0;
  if (queued + total > quota.maxQueuedItems) {
    throw new FanoutError(
      429,
      "max_queued_items_exceeded",
      `Your tenant already has ${queued} items waiting; this job's ${total} would pass the limit of ${quota.maxQueuedItems}. Retry when some work finishes.`,
      "input",
      { "Retry-After": "5" },
    );
  }
}

/**
 * Writes the job and all its tasks in one transaction, so anything answered 2xx is
 * durable. Idempotency rides on the unique (tenantId, idempotencyKey) index: a
 * concurrent duplicate waits on the index and then finds the original.
 */
export async function submitJob(ctx: EngineContext, tenantId: string, input: CreateJobInput, opts: SubmitOptions = {}): Promise<SubmitOutcome> {
  const { prisma } = ctx;
  const items = "items" in input.input ? input.input.items : undefined;
  const range = "range" in input.input ? input.input.range : undefined;
  const total = items ? items.length : range!.to - range!.from;
  const quota = await loadQuota(prisma, tenantId);
  const route = await routeHandler(prisma, tenantId, input);
  checkLimits(input, total, quota, opts);
  await checkQueuedItems(prisma, tenantId, total, quota);
  const headers = await takeSubmitToken(ctx.redis, `${ctx.prefix}:{tenant-${tenantId}}:submit-bucket`, { ratePerSec: quota.submitRatePerSec, burst: quota.submitBurst });

  const hash = requestHash(input);
  const observed = input.chunkSize ? undefined : await observedItemMicros(ctx, input.handler);
  const chunkSize = Math.min(input.chunkSize ?? chooseChunkSize(input.handler, total, items, observed), total);
  const slices = sliceTasks(total, chunkSize);
  const orderingKeys = taskOrderingKeys(slices, input.orderingKey, items);
  const priority = input.priority ?? 0;
  const pool = route.pool;

  const outcome = await prisma.$transaction(
    async (tx) => {
      const inserted = await tx.$queryRawUnsafe<{ id: string }[]>(
        `INSERT INTO jobs ("id","tenantId","name","handler","pool","inputKind","rangeFrom","rangeTo","totalItems","chunkSize","taskCount",
           "priority","maxAttempts","timeoutMs","backoffBaseMs","backoffMaxMs","orderingKey","labels","idempotencyKey","requestHash","callbackUrl","traceparent")
         VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4, $5, $6::bigint, $7::bigint, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18, $19, $20, $21)
         ON CONFLICT ("tenantId","idempotencyKey") DO NOTHING
         RETURNING id`,
        tenantId,
        input.name ?? `${input.handler} × ${total}`,
        input.handler,
        pool,
        items ? "items" : "range",
        range ? BigInt(range.from) : null,
        range ? BigInt(range.to) : null,
        total,
        chunkSize,
        slices.length,
        priority,
        route.maxAttempts,
        route.timeoutMs,
        input.backoff?.baseMs ?? 1000,
        input.backoff?.maxMs ?? 60_000,
        input.orderingKey ?? null,
        JSON.stringify(input.labels ?? {}),
        opts.idempotencyKey ?? null,
        hash,
        input.callbackUrl ?? null,
        opts.traceparent ?? null,
      );
      if (inserted.length === 0) {
        const original = await tx.job.findUnique({
          where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: opts.idempotencyKey! } },
          select: { id: true, requestHash: true },
        });
        if (!original) throw new FanoutError(409, "idempotency_conflict", "A request with this Idempotency-Key is still being processed; retry shortly.");
        if (original.requestHash !== hash) {
          throw new FanoutError(409, "idempotency_key_reused", "This Idempotency-Key was already used with a different request body. Use a new key for a different job.", "Idempotency-Key");
        }
        return { jobId: original.id, created: false, headers };
      }
      const jobId = inserted[0]!.id;
      await insertTasks(tx as unknown as PrismaClient, { jobId, tenantId, pool, priority, slices, items, orderingKeys });
      return { jobId, created: true, headers };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  return { ...outcome, pool };
}

const TASK_BATCH = 5000;

/** One multi-row INSERT per batch of tasks: a million items never means a million round trips. */
async function insertTasks(
  tx: PrismaClient,
  a: { jobId: string; tenantId: string; pool: string; priority: number; slices: ReturnType<typeof sliceTasks>; items?: unknown[]; orderingKeys: string[][] },
): Promise<void> {
  for (let i = 0; i < a.slices.length; i += TASK_BATCH) {
    const batch = a.slices.slice(i, i + TASK_BATCH);
    const chunks = a.items ? JSON.stringify(batch.map((s) => a.items!.slice(s.firstIndex, s.firstIndex + s.itemCount))) : null;
    const keys = a.orderingKeys.slice(i, i + TASK_BATCH);
    const ordered = keys.some((k) => k.length > 0) ? JSON.stringify(keys) : null;
    await tx.$executeRawUnsafe(
      `INSERT INTO tasks ("jobId","seq","tenantId","pool","priority","firstIndex","itemCount","items","pendingIdx","orderingKeys")
       SELECT $1::uuid, s.seq, $2::uuid, $3, $4, s.first, s.cnt,
              CASE WHEN $8::jsonb IS NULL THEN NULL ELSE $8::jsonb -> (s.ord::int - 1) END, '{}'::int[],
              CASE WHEN $9::jsonb IS NULL THEN '{}'::text[]
                   ELSE ARRAY(SELECT jsonb_array_elements_text($9::jsonb -> (s.ord::int - 1))) END
       FROM unnest($5::int[], $6::int[], $7::int[]) WITH ORDINALITY AS s(seq, first, cnt, ord)`,
      a.jobId,
      a.tenantId,
      a.pool,
      a.priority,
      batch.map((s) => s.seq),
      batch.map((s) => s.firstIndex),
      batch.map((s) => s.itemCount),
      chunks,
      ordered,
    );
  }
}

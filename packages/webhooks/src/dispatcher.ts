// Webhook dispatcher: delivers the engine's job.finished outbox rows (written in the same
// statement that finishes the job, so none is lost). Several dispatchers may run: each
// claims due rows with FOR UPDATE SKIP LOCKED and pushes nextAttemptAt forward by a claim
// lease, so no transaction is held open across an HTTP call and a crashed dispatcher's
// rows come due again. Results are written fenced by the attempt number it claimed.
import type { PrismaClient } from "@fanout/db";
import { randomInt } from "node:crypto";
import { postJson } from "./post";
import { tenantWebhookSecret } from "./secrets";
import { SIGNATURE_HEADER, signatureHeader } from "./sign";

export interface DispatcherLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DispatcherOptions {
  prisma: PrismaClient;
  logger: DispatcherLogger;
  /** FANOUT_SECRET_KEY: decrypts the tenants' signing secrets. */
  secretKey: string;
  /** The job summary to send (the scheduler passes engine.getJob: the public JobView). */
  renderJob(tenantId: string, jobId: string): Promise<unknown>;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
  batchSize?: number;
  pollMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

interface Claimed {
  id: bigint;
  tenantId: string;
  jobId: string;
  event: string;
  url: string;
  attempts: number;
  allowPrivateCallbacks: boolean;
}

const CLAIM_SQL = `
WITH due AS (
  SELECT id FROM webhook_deliveries
  WHERE "deliveredAt" IS NULL AND attempts < $1 AND "nextAttemptAt" <= now()
  ORDER BY "nextAttemptAt", id
  LIMIT $2 FOR UPDATE SKIP LOCKED
)
UPDATE webhook_deliveries d SET attempts = d.attempts + 1, "nextAttemptAt" = now() + make_interval(secs => $3::double precision / 1000)
FROM due, tenants t
WHERE d.id = due.id AND t.id = d."tenantId"
RETURNING d.id, d."tenantId", d."jobId", d.event, d.url, d.attempts, t."allowPrivateCallbacks"`;

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(n-1))]. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(30, attempt - 1));
  return cap <= 0 ? 0 : randomInt(0, Math.floor(cap) + 1);
}

export function createWebhookDispatcher(o: DispatcherOptions) {
  const maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const baseDelayMs = o.baseDelayMs ?? 5_000;
  const maxDelayMs = o.maxDelayMs ?? 3_600_000;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const batchSize = o.batchSize ?? 20;
  const pollMs = o.pollMs ?? 1_000;
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  async function deliver(d: Claimed, secrets: Map<string, Promise<string>>): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const job = await o.renderJob(d.tenantId, d.jobId);
      const body = JSON.stringify(job);
      if (!secrets.has(d.tenantId)) secrets.set(d.tenantId, tenantWebhookSecret(o.prisma, d.tenantId, o.secretKey));
      const secret = await secrets.get(d.tenantId)!;
      const headers = { [SIGNATURE_HEADER]: signatureHeader(secret, body), "Fanout-Event": d.event, "Fanout-Delivery": String(d.id) };
      status = (await postJson(d.url, body, headers, { timeoutMs, allowPrivate: d.allowPrivateCallbacks })).status;
      if (status < 200 || status >= 300) error = `receiver answered HTTP ${status}`;
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
    }
    const ok = error === null;
    const giveUp = !ok && d.attempts >= maxAttempts;
    const retryInMs = ok || giveUp ? 0 : retryDelayMs(d.attempts, baseDelayMs, maxDelayMs);
    // Fenced by attempts: if our claim lease lapsed and another dispatcher re-claimed the
    // row, its newer attempt owns the outcome.
    await o.prisma.$executeRawUnsafe(
      `UPDATE webhook_deliveries SET "lastStatus" = $3, "lastError" = $4,
         "deliveredAt" = CASE WHEN $5 THEN now() ELSE NULL END,
         "nextAttemptAt" = now() + make_interval(secs => $6::double precision / 1000)
       WHERE id = $1 AND attempts = $2 AND "deliveredAt" IS NULL`,
      d.id,
      d.attempts,
      status,
      error,
      ok,
      retryInMs,
    );
    const log = { deliveryId: String(d.id), jobId: d.jobId, tenantId: d.tenantId, attempt: d.attempts, status };
    if (ok) o.logger.info(log, "webhook delivered");
    else if (giveUp) o.logger.error({ ...log, error }, "webhook delivery failed for good");
    else o.logger.warn({ ...log, error, retryInMs }, "webhook delivery failed; will retry");
  }

  /** Claims and delivers one batch; returns how many deliveries it attempted. */
  async function runOnce(): Promise<number> {
    // The claim lease must outlast a delivery (render + POST) so no other dispatcher retries it meanwhile.
    const claimed = await o.prisma.$queryRawUnsafe<Claimed[]>(CLAIM_SQL, maxAttempts, batchSize, timeoutMs * 2 + 5_000);
    const secrets = new Map<string, Promise<string>>();
    await Promise.all(claimed.map((d) => deliver(d, secrets).catch((err) => o.logger.error({ err, deliveryId: String(d.id) }, "webhook bookkeeping failed"))));
    return claimed.length;
  }

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          let n = 0;
          try {
            n = await runOnce();
          } catch (err) {
            o.logger.error({ err }, "webhook dispatcher tick failed");
          }
          if (n >= batchSize || !running) continue; // a full batch: there may be more due now
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, pollMs);
            wake = () => (clearTimeout(t), resolve());
          });
        }
      })();
    },
    async close() {
      running = false;
      wake?.();
      await loop;
    },
  };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;

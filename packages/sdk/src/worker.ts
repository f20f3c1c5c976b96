// A remote worker: runs your handlers on items of jobs submitted to Fanout, using only
// HTTP and your API key (scope `workers`). The loop: long-poll /workers/lease for up to
// `concurrency` tasks, run each task's items with an AbortSignal, heartbeat every
// visibility/3 to keep the leases (aborting work whose lease is gone), report per-item
// outputs/errors fenced by the lease's attempt, and release what is unfinished on stop.
import { FanoutApiError, isLeaseExpired } from "./errors.js";
import { Http } from "./http.js";
import type { LeasedTaskBody } from "./schemas/index.js";

export interface ItemContext {
  /** Aborted when the task times out, its lease is lost, or the worker stops for good. */
  signal: AbortSignal;
  jobId: string;
  index: number;
  /** 1-based attempt of this item. */
  attempt: number;
  maxAttempts: number;
  handler: string;
}

export type Handler = (item: any, ctx: ItemContext) => unknown | Promise<unknown>;

export interface WorkerOptions {
  url: string;
  apiKey: string;
  handlers: Record<string, Handler>;
  /** Tasks (chunks of items) run at once (default 4). */
  concurrency?: number;
  /** Items of one task run at once (default 1: in item order). */
  itemConcurrency?: number;
  workerId?: string;
  /** Lease length; heartbeats go every third of it (default 30 s). */
  visibilityMs?: number;
  /** Long-poll wait per lease call (default and maximum 20 s). */
  waitMs?: number;
  /** On stop, how long in-flight tasks may finish before they are aborted and released (default 10 s). */
  shutdownGraceMs?: number;
  /** Stop gracefully on SIGTERM/SIGINT, then exit the process (default true). */
  handleSignals?: boolean;
  logger?: Pick<Console, "info" | "warn" | "error">;
  fetch?: typeof fetch;
}

interface InFlight {
  task: LeasedTaskBody;
  controller: AbortController;
  done: Promise<void>;
}

type Ref = { jobId: string; seq: number; attempt: number };
const refOf = (t: Ref): Ref => ({ jobId: t.jobId, seq: t.seq, attempt: t.attempt });
const keyOf = (t: Ref) => `${t.jobId}:${t.seq}:${t.attempt}`;
// Only what we use of Node's process, so the SDK also type-checks without @types/node.
const proc = (globalThis as unknown as { process?: { pid: number; once(sig: string, fn: () => void): unknown; exit(code: number): never } }).process;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomId = () => Array.from(globalThis.crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, "0")).join("");

export function createWorker(o: WorkerOptions) {
  const names = Object.keys(o.handlers);
  if (names.length === 0) throw new TypeError("createWorker: give at least one handler");
  const http = new Http({ url: o.url, apiKey: o.apiKey, fetch: o.fetch, maxRetries: 6 });
  const id = o.workerId ?? `w-${proc?.pid ?? 0}-${randomId()}`;
  const concurrency = o.concurrency ?? 4;
  const visibilityMs = o.visibilityMs ?? 30_000;
  const log = o.logger ?? console;
  const inFlight = new Map<string, InFlight>();
  const stats = { leased: 0, reported: 0, lost: 0, itemsOk: 0, itemsFailed: 0 };
  let running = false;
  let leaseAbort: AbortController | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let lastHeartbeatOk = Date.now();
  let slotFreed: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let fatal: FanoutApiError | undefined;
  let closed!: (err?: FanoutApiError) => void;
  const closedPromise = new Promise<FanoutApiError | undefined>((r) => (closed = r));

  async function runItem(t: LeasedTaskBody, it: { index: number; item: unknown }, signal: AbortSignal) {
    const ctx: ItemContext = { signal, jobId: t.jobId, index: it.index, attempt: t.itemAttempt, maxAttempts: t.maxAttempts, handler: t.handler };
    try {
      const output = await o.handlers[t.handler]!(it.item, ctx);
      stats.itemsOk++;
      return { index: it.index, output: output === undefined ? null : output };
    } catch (err) {
      stats.itemsFailed++;
      return { index: it.index, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }

  async function runTask(t: LeasedTaskBody, controller: AbortController): Promise<void> {
    const signal = controller.signal;
    const timer = setTimeout(() => controller.abort(new Error(`task timed out after ${t.timeoutMs} ms`)), t.timeoutMs);
    const results: ({ index: number; output: unknown } | { index: number; error: string })[] = [];
    try {
      let next = 0;
      const lane = async () => {
        while (!signal.aborted && next < t.items.length) {
          const r = await runItem(t, t.items[next++]!, signal);
          if (!signal.aborted || (signal.reason as Error)?.message?.startsWith("task timed out")) results.push(r);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(o.itemConcurrency ?? 1, t.items.length)) }, lane));
    } finally {
      clearTimeout(timer);
    }
    const reason = signal.aborted ? String((signal.reason as Error)?.message ?? signal.reason) : "";
    // A lost lease belongs to someone else now: reporting would only earn a 409.
    if (reason.startsWith("lease lost") || reason.startsWith("released")) return;
    await report(t, results);
  }

  async function report(t: LeasedTaskBody, items: unknown[]) {
    for (let attempt = 0; ; attempt++) {
      try {
        await http.request("POST", "/api/v1/workers/report", { body: { workerId: id, ...refOf(t), items } });
        stats.reported++;
        return;
      } catch (err) {
        if (isLeaseExpired(err)) {
          stats.lost++;
          log.warn(`[fanout-worker ${id}] lease of ${t.jobId}#${t.seq} expired before the report; the task runs again elsewhere`);
          return;
        }
        // Network trouble: retry while the lease can still be alive, then give up (it will be re-leased).
        if (err instanceof FanoutApiError && err.status < 500) throw err;
        if (attempt >= 5) return log.error(`[fanout-worker ${id}] could not report ${t.jobId}#${t.seq}: ${(err as Error).message}`);
        await sleep(200 * 2 ** attempt);
      }
    }
  }

  async function heartbeat() {
    const refs = [...inFlight.values()].map((f) => refOf(f.task));
    try {
      const { body } = await http.request<{ held: Ref[] }>("POST", "/api/v1/workers/heartbeat", {
        body: { workerId: id, handlers: names, concurrency, leases: refs, visibilityMs },
        retries: 0,
      });
      lastHeartbeatOk = Date.now();
      const held = new Set(body.held.map(keyOf));
      for (const [key, f] of inFlight) if (!held.has(key) && refs.some((r) => keyOf(r) === key)) f.controller.abort(new Error("lease lost (expired or superseded)"));
    } catch (err) {
      log.warn(`[fanout-worker ${id}] heartbeat failed: ${(err as Error).message}`);
      // Without a heartbeat for a whole visibility window the leases are surely gone.
      if (Date.now() - lastHeartbeatOk > visibilityMs) for (const f of inFlight.values()) f.controller.abort(new Error("lease lost (no heartbeat)"));
    }
  }

  function start(t: LeasedTaskBody) {
    const controller = new AbortController();
    const key = keyOf(t);
    const done = runTask(t, controller)
      .catch((err) => log.error(`[fanout-worker ${id}] task ${t.jobId}#${t.seq} failed: ${(err as Error).message}`))
      .finally(() => {
        inFlight.delete(key);
        slotFreed?.();
      });
    inFlight.set(key, { task: t, controller, done });
  }

  async function leaseLoop() {
    while (running) {
      const free = concurrency - inFlight.size;
      if (free <= 0) {
        await new Promise<void>((r) => (slotFreed = r));
        continue;
      }
      leaseAbort = new AbortController();
      try {
        const { body } = await http.request<{ tasks: LeasedTaskBody[] }>("POST", "/api/v1/workers/lease", {
          body: { workerId: id, handlers: names, max: free, visibilityMs, waitMs: Math.min(o.waitMs ?? 20_000, 20_000) },
          signal: leaseAbort.signal,
        });
        if (!running) {
          await release(body.tasks.map(refOf));
          break;
        }
        stats.leased += body.tasks.length;
        for (const t of body.tasks) start(t);
      } catch (err) {
        if (!running) break;
        // A bad key, a missing scope or a malformed request will not fix itself: stop.
        if (err instanceof FanoutApiError && err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429) {
          log.error(`[fanout-worker ${id}] cannot lease (${err.code}): ${err.message}`);
          fatal = err;
          void worker.stop();
          break;
        }
        log.warn(`[fanout-worker ${id}] lease failed: ${(err as Error).message}`);
        await sleep(1000);
      }
    }
  }

  async function release(refs: Ref[]) {
    if (!refs.length) return;
    await http.request("POST", "/api/v1/workers/release", { body: { workerId: id, leases: refs }, retries: 2 }).catch((err) => {
      log.warn(`[fanout-worker ${id}] release failed (the leases will lapse instead): ${(err as Error).message}`);
    });
  }

  let signalsInstalled = false;
  const onSignal = (sig: string) => {
    log.info(`[fanout-worker ${id}] ${sig}: finishing in-flight work`);
    void worker.stop().finally(() => proc?.exit(fatal ? 1 : 0));
  };

  const worker = {
    id,
    stats,
    get inFlight() {
      return inFlight.size;
    },
    /** Resolves when the worker has stopped: with the error when it stopped itself (e.g. 401/403). */
    closed: closedPromise,
    /** Starts leasing; resolves once the worker has started (stop() ends it). */
    async start() {
      if (running) return;
      running = true;
      heartbeatTimer = setInterval(() => void heartbeat(), Math.max(250, Math.floor(visibilityMs / 3)));
      loop = leaseLoop();
      if ((o.handleSignals ?? true) && !signalsInstalled && proc) {
        signalsInstalled = true;
        proc.once("SIGTERM", () => onSignal("SIGTERM"));
        proc.once("SIGINT", () => onSignal("SIGINT"));
      }
    },
    /** Graceful: stop leasing, let in-flight tasks finish (bounded), release the rest. */
    async stop() {
      if (!running) return;
      running = false;
      leaseAbort?.abort(new Error("stopping"));
      slotFreed?.();
      await loop;
      const graceful = Promise.all([...inFlight.values()].map((f) => f.done));
      await Promise.race([graceful, sleep(o.shutdownGraceMs ?? 10_000)]);
      const left = [...inFlight.values()];
      for (const f of left) f.controller.abort(new Error("released on shutdown"));
      await release(left.map((f) => refOf(f.task)));
      clearInterval(heartbeatTimer);
      closed(fatal);
    },
  };
  return worker;
}

export type FanoutWorker = ReturnType<typeof createWorker>;

import { describeError, errorFingerprint } from "./fingerprint";
import type { Handler } from "./handlers";
import type { ItemFailureRecord, TaskRunResult } from "./commit";
import type { ClaimedTask } from "./lease";

export class ItemTimeoutError extends Error {
  constructor(ms: number) {
    super(`item timed out after ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/** The items this run must process: every offset on the first run, else only pending ones. */
export function offsetsToRun(task: Pick<ClaimedTask, "pendingIdx" | "itemCount">): number[] {
  if (task.pendingIdx.length > 0) return task.pendingIdx;
  return Array.from({ length: task.itemCount }, (_, i) => i);
}

/** Range items are generated here from the job's bounds; nothing proportional travels. */
export function itemAt(task: Pick<ClaimedTask, "items" | "rangeFrom" | "firstIndex">, offset: number): unknown {
  if (task.items) return task.items[offset];
  return Number(task.rangeFrom ?? 0n) + task.firstIndex + offset;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === "function";
}

/**
 * Awaits an async handler result under the item timeout. A handler that ignores the
 * abort is abandoned: the race settles and its late result goes nowhere.
 */
function withTimeout(p: PromiseLike<unknown>, ms: number, ctl: AbortController): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      const err = new ItemTimeoutError(ms);
      ctl.abort(err);
      reject(err);
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export interface RunOptions {
  /** Aborted when the job is cancelled or the worker shuts down. */
  signal: AbortSignal;
}

export interface TimedRunResult extends TaskRunResult {
  /**
   * Time spent in this run, measured inside it: a synchronous handler's items run without
   * yielding, so this is their own cost. Timing around `await runTask()` instead also
   * counted every task that started in the same tick (a claim batch, a bundle) before this
   * one resumed: noop read 100-300 µs instead of a few, and a 1 ms handler in a bundle
   * would read several ms and so stop its own bundling (bundle.ts decides on these means).
   */
  handlerMs: number;
}

/** Runs one claimed task's items in order; the item attempt is the task's completed runs + 1. */
export async function runTask(task: ClaimedTask, handler: Handler, opts: RunOptions): Promise<TimedRunResult> {
  const started = performance.now();
  const attempt = task.runs + 1;
  const indexes: number[] = [];
  const outputs: unknown[] = [];
  const retry: ItemFailureRecord[] = [];
  const dead: ItemFailureRecord[] = [];
  for (const offset of offsetsToRun(task)) {
    if (opts.signal.aborted) throw opts.signal.reason ?? new Error("task aborted");
    const index = task.firstIndex + offset;
    // The item's controller is made only when a handler reads ctx.signal or returns a
    // promise (profiling showed a controller per item was half the worker's time on
    // a million no-op items).
    let ctl: AbortController | undefined;
    let onAbort: (() => void) | undefined;
    const controller = () => {
      if (!ctl) {
        const c = (ctl = new AbortController());
        onAbort = () => c.abort(opts.signal.reason);
        opts.signal.addEventListener("abort", onAbort, { once: true });
      }
      return ctl;
    };
    try {
      let out = handler(itemAt(task, offset), { get signal() { return controller().signal; }, attempt });
      if (isPromiseLike(out)) out = await withTimeout(out, task.timeoutMs, controller());
      indexes.push(index);
      outputs.push(out === undefined ? null : out);
    } catch (err) {
      if (opts.signal.aborted) throw opts.signal.reason ?? err;
      const { name, message } = describeError(err);
      const record = { index, error: `${name}: ${message}`, fingerprint: errorFingerprint(name, message) };
      (attempt >= task.maxAttempts ? dead : retry).push(record);
    } finally {
      if (onAbort) opts.signal.removeEventListener("abort", onAbort);
    }
  }
  return { indexes, outputs, retry, dead, handlerMs: performance.now() - started };
}

import { createHash } from "node:crypto";
import type { Reducer } from "@fanout/validators";

export interface HandlerContext {
  /** Aborted when the item times out or its job is cancelled. */
  signal: AbortSignal;
  /** 1-based attempt number of this item. */
  attempt: number;
}

/** A handler may return synchronously; the runner only awaits real promises. */
export type Handler = (item: unknown, ctx: HandlerContext) => unknown;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The built-in handlers of CONTRACT.md. */
export const builtinHandlers: Record<string, Handler> = {
  noop: () => null,
  echo: (item) => item,
  sha256: (item) =>
    createHash("sha256")
      .update(typeof item === "string" ? item : JSON.stringify(item), "utf8")
      .digest("hex"),
  sleep: async (item, { signal }) => {
    if (typeof item !== "number" || !Number.isFinite(item) || item < 0) {
      throw new Error("sleep expects a non-negative number of milliseconds");
    }
    await sleep(item, signal);
    return item;
  },
  fail: (item, { attempt }) => {
    const failTimes = (item as { failTimes?: unknown } | null)?.failTimes;
    if (typeof failTimes !== "number" || !Number.isInteger(failTimes)) {
      throw new Error("fail expects an item like {\"failTimes\": n}");
    }
    if (failTimes === -1 || attempt <= failTimes) {
      throw new Error(`fail handler failed as instructed (failTimes ${failTimes})`);
    }
    return "ok";
  },
};

/**
 * Reducers built-in handlers declare, for jobs that set no `reduce`: noop's outputs are all
 * null, so only how many succeeded says anything; sleep's are the milliseconds slept, whose
 * sum is the work done. The rest collect (their outputs are per-item answers).
 */
export const builtinReducers: Readonly<Record<string, Reducer>> = { noop: "count", sleep: "sum" };

/** The built-in handler of that name; one this worker lacks fails item by item, so retries and dead letters apply. */
export function handlerFor(name: string): Handler {
  return isKnownHandler(name)
    ? builtinHandlers[name]!
    : () => {
        throw new Error(`no handler "${name}" is registered on this worker`);
      };
}

export function isKnownHandler(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(builtinHandlers, name);
}

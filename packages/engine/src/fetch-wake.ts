import type { Worker } from "bullmq";

/**
 * Makes a BullMQ Worker's main loop look at its concurrency again now. BullMQ reads a
 * raised `concurrency` only when one of its jobs ends, which may be a long task's end.
 *
 * `resume()` wakes the loop by adding a settled promise to the queue it waits on; this
 * does that alone. The worker used `pause(true)` then `resume()` for it before, which
 * races BullMQ's own loop: a pause that lands as its last job ends lets the loop exit,
 * and a resume arriving before `running` turns false neither restarts it nor finds a
 * loop to wake. The worker then never fetches again (reproduced with raw BullMQ 6.7 at
 * a 7-microtask offset; a weighted bench run stalled for 55 s). The queue is a private
 * field, so fetch-wake.integration.test.ts fails if a BullMQ upgrade renames it.
 */
export function wakeFetch(worker: Worker): boolean {
  const loop = (worker as unknown as { mainLoopQueue?: { add(p: Promise<unknown>): void } | null }).mainLoopQueue;
  if (!loop || typeof loop.add !== "function") return false;
  loop.add(Promise.resolve());
  return true;
}

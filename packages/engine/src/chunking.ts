/** Tasks should run for about this long: long enough to amortise per-task overhead. */
export const TARGET_TASK_MS = 1000;
export const MAX_CHUNK = 10_000;
/** Big jobs get at least this many tasks so they spread over workers… */
export const MIN_TASKS = 16;
/** …but never tasks shorter than this: tiny jobs stay one task, not one per item. */
export const MIN_TASK_MS = 50;

/** Per-item cost guesses until workers have observed the handler (microseconds). */
const ASSUMED_ITEM_US: Record<string, number> = { noop: 1, echo: 2, sha256: 5, fail: 5 };

/**
 * Chunk size when the tenant gives none: aim for ~1 s per task, but keep enough tasks
 * that a job spreads over workers. `sleep` items say their own duration.
 */
export function chooseChunkSize(handler: string, total: number, items?: unknown[], observedMicros?: number): number {
  let perItemMs: number;
  if (observedMicros !== undefined && observedMicros > 0) {
    perItemMs = observedMicros / 1000;
  } else if (handler === "sleep" && items && items.length > 0) {
    const sample = items.slice(0, 1000);
    const sum = sample.reduce<number>((acc, v) => acc + (typeof v === "number" && v > 0 ? v : 0), 0);
    perItemMs = Math.max(sum / sample.length, 0.001);
  } else {
    perItemMs = (ASSUMED_ITEM_US[handler] ?? 10_000) / 1000;
  }
  const byTime = Math.floor(TARGET_TASK_MS / perItemMs);
  const spread = Math.max(Math.ceil(total / MIN_TASKS), Math.ceil(MIN_TASK_MS / perItemMs));
  return Math.max(1, Math.min(MAX_CHUNK, byTime, spread, total));
}

export interface TaskSlice {
  seq: number;
  firstIndex: number;
  itemCount: number;
}

export function sliceTasks(total: number, chunkSize: number): TaskSlice[] {
  const slices: TaskSlice[] = [];
  for (let seq = 0, first = 0; first < total; seq++, first += chunkSize) {
    slices.push({ seq, firstIndex: first, itemCount: Math.min(chunkSize, total - first) });
  }
  return slices;
}

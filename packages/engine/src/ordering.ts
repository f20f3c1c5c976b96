import type { TaskSlice } from "./chunking";

/** An item's own ordering key, when it is an object carrying one. */
function itemKey(item: unknown): string | undefined {
  const k = (item as { orderingKey?: unknown } | null)?.orderingKey;
  return typeof k === "string" && k.length > 0 ? k : undefined;
}

/**
 * Distinct ordering keys per task. A job-level key puts every task on one key (the job
 * runs task by task); item keys serialise only the tasks that share a key. Empty when
 * the job is unordered, which keeps the common path free of this bookkeeping.
 */
export function taskOrderingKeys(slices: TaskSlice[], jobKey: string | undefined, items: unknown[] | undefined): string[][] {
  if (jobKey) return slices.map(() => [jobKey]);
  if (!items || !items.some((it) => itemKey(it) !== undefined)) return slices.map(() => []);
  return slices.map((s) => {
    const keys = new Set<string>();
    for (let i = s.firstIndex; i < s.firstIndex + s.itemCount; i++) {
      const k = itemKey(items[i]);
      if (k !== undefined) keys.add(k);
    }
    return [...keys];
  });
}

/** SQL: a ready task must not share a key with an earlier unfinished task of its job. */
export const ORDERING_CLEAR = `(cardinality(t."orderingKeys") = 0 OR NOT EXISTS (
  SELECT 1 FROM tasks p WHERE p."jobId" = t."jobId" AND p.seq < t.seq
    AND p.status NOT IN ('done', 'cancelled') AND p."orderingKeys" && t."orderingKeys"))`;

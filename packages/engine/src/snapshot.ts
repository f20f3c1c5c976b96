/**
 * Optimistic start of a submit-time foothold. The submit has just written the job and its
 * first task, so it knows everything a worker's claim would read back (lease.ts). It sends
 * that along in the BullMQ job, and the worker starts the handler straight from it: one
 * Postgres round trip fewer between accepted and running, on the path that decides a
 * quiet tenant's start latency (bench scenarios 3 and 4).
 *
 * Results stay exactly-once: the run is a lazy claim of attempt 1 (the row as inserted:
 * queued, attempt 0), so its mark and its commit are fenced exactly as after a read. If the
 * task was cancelled, taken over or finished meanwhile, the mark (after MARK_AFTER_MS) or the
 * commit is refused and the run aborted. What the read did that the snapshot cannot: stop a
 * cancelled or paused task before its handler starts. So the worker trusts a snapshot only
 * on BullMQ's first delivery of the job (a stall re-delivery reads, so it can take over a
 * marked holder), only while it is fresh and only if no cancel of its job was heard
 * (worker.ts). A pause between submit and pick-up does not stop that first task.
 * The items come from the stored row (jsonb reorders object keys), so a handler sees them
 * byte for byte as any later run's read returns them.
 */
import type { ClaimedTask, TaskRef } from "./lease";

/** Items larger than this (as JSON) stay in Postgres: the foothold takes the read instead. */
export const MAX_SNAPSHOT_ITEMS_BYTES = 2048;

/** What a worker needs to run a first task without reading it (short keys: it sits in Redis). */
export interface TaskSnapshot {
  /** items (explicit input), or null for a range job */
  i: unknown[] | null;
  /** itemCount */
  c: number;
  h: string;
  k: string;
  /** rangeFrom, as a decimal string */
  r: string | null;
  to: number;
  ma: number;
  bb: number;
  bm: number;
  tn: string;
  /** createdAt, epoch ms */
  at: number;
  tp: string | null;
}

/** The job's fields a claim reads alongside its task. */
export type SnapshotSource = Pick<ClaimedTask, "tenantId" | "handler" | "inputKind" | "rangeFrom" | "timeoutMs" | "maxAttempts" | "backoffBaseMs" | "backoffMaxMs" | "createdAt" | "traceparent">;

/** The first task's snapshot (seq 0, offsets from 0); undefined when its items are too big to carry. */
export function snapshotOf(job: SnapshotSource, items: unknown[] | null, itemCount: number): TaskSnapshot | undefined {
  if (items && Buffer.byteLength(JSON.stringify(items)) > MAX_SNAPSHOT_ITEMS_BYTES) return undefined;
  return {
    i: items,
    c: itemCount,
    h: job.handler,
    k: job.inputKind,
    r: job.rangeFrom === null ? null : String(job.rangeFrom),
    to: job.timeoutMs,
    ma: job.maxAttempts,
    bb: job.backoffBaseMs,
    bm: job.backoffMaxMs,
    tn: job.tenantId,
    at: job.createdAt.getTime(),
    tp: job.traceparent ?? null,
  };
}

/** The claim a read of the freshly inserted row would have returned. */
export function taskFromSnapshot(ref: TaskRef, s: TaskSnapshot): ClaimedTask {
  return {
    jobId: ref.jobId,
    seq: ref.seq,
    attempt: 1,
    lazy: true,
    items: s.i,
    firstIndex: 0,
    itemCount: s.c,
    pendingIdx: [],
    runs: 0,
    n: s.c,
    handler: s.h,
    inputKind: s.k,
    rangeFrom: s.r,
    timeoutMs: s.to,
    maxAttempts: s.ma,
    backoffBaseMs: s.bb,
    backoffMaxMs: s.bm,
    tenantId: s.tn,
    createdAt: new Date(s.at),
    jobStatus: "queued", // as inserted; nothing on the worker's path reads it
    traceparent: s.tp,
  };
}

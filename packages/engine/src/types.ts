import type { JobStatusName, Reducer } from "@fanout/validators";

/** Minimal structured logger the engine needs (pino satisfies it). */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child?(bindings: object): Logger;
}

export interface JobProgress {
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  dead: number;
}

/** The job as every API shows it (CONTRACT.md shape plus extras). */
export interface JobView {
  id: string;
  name: string;
  handler: string;
  status: JobStatusName;
  paused: boolean;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: JobProgress;
  priority: number;
  maxAttempts: number;
  timeoutMs: number;
  chunkSize: number;
  taskCount: number;
  pool: string;
  labels: Record<string, string>;
  orderingKey: string | null;
  input: { kind: "items"; count: number } | { kind: "range"; from: number; to: number };
  /** Present on single-job reads while the job waits (null when nothing holds it). */
  waiting?: WaitInfo | null;
  /** Present on single-job reads: the job's reduction (reduce.ts). */
  result?: JobResult;
}

/** A job's outputs reduced to one value (DESIGN §7); `final` once the job finished. */
export interface JobResult {
  reducer: Reducer;
  value: unknown;
  /** Outputs the value covers: the numeric ones for sum/min/max, every succeeded one otherwise. */
  count: number;
  /** Succeeded items whose output is not a number (sum/min/max): left out of the value. */
  skipped: number;
  /** collect only: too many outputs to inline; page /results instead. */
  truncated: boolean;
  final: boolean;
}

/** Why a job with work is not running, and when it should start. */
export interface WaitInfo {
  reason: string;
  message: string;
  until?: string;
  estimatedStartAt?: string;
}

export interface ResultRow {
  index: number;
  status: "succeeded" | "dead";
  output?: unknown;
  error?: string;
}

export interface DeadLetterView {
  index: number;
  attempts: number;
  error: string;
  fingerprint: string;
  createdAt: string;
}

export interface TaskView {
  seq: number;
  status: string;
  firstIndex: number;
  itemCount: number;
  attempt: number;
  runs: number;
  workerId: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  lastError: string | null;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface ListJobsFilter {
  status?: JobStatusName;
  handler?: string;
  q?: string;
  /** Only jobs carrying this label value. */
  label?: { key: string; value: string };
  /** Created at or after / strictly before these instants (ISO 8601). */
  createdFrom?: string;
  createdTo?: string;
  limit: number;
  cursor?: string;
}

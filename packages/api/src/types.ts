// What the API layer needs from its collaborators. Declared structurally so the API
// depends on the documented engine contract (docs/TEAM.md), not on engine internals;
// the real `Engine` from @fanout/engine satisfies it.
import type { CreateJobInput } from "@fanout/validators";
import type { DeadLetterView, Engine, JobResult, JobView, ListJobsFilter, Page, ResultRow, TaskView } from "@fanout/engine";
import type { PrismaClient } from "@fanout/db";

export type { DeadLetterView, JobResult, JobView, ListJobsFilter, Page, ResultRow, TaskView };

export interface PageArgs {
  limit: number;
  cursor?: string;
}

/** Job controls and the remote-worker protocol, exactly as the engine declares them. */
type EngineControls = Pick<Engine, "pauseJob" | "resumeJob" | "deadLetterGroups" | "discardDeadLetters" | "remote">;

export interface ApiEngine extends EngineControls {
  /** Drops this process's cached quota for the tenant, so a change applies at once here. */
  quotaChanged?(tenantId: string): void;
  submitJob(
    tenantId: string,
    input: CreateJobInput,
    opts?: { idempotencyKey?: string; requestBytes?: number; traceparent?: string },
  ): Promise<{ job: JobView; created: boolean; headers?: Record<string, string> }>;
  getJob(tenantId: string, jobId: string): Promise<JobView>;
  getJobResult(tenantId: string, jobId: string): Promise<JobResult>;
  listJobs(tenantId: string, filter: ListJobsFilter): Promise<Page<JobView>>;
  getResults(tenantId: string, jobId: string, page: PageArgs): Promise<Page<ResultRow>>;
  listTasks(tenantId: string, jobId: string, page: PageArgs): Promise<Page<TaskView>>;
  listDeadLetters(tenantId: string, jobId: string, page: PageArgs): Promise<Page<DeadLetterView>>;
  cancelJob(tenantId: string, jobId: string): Promise<JobView>;
  redrive(tenantId: string, jobId: string, filter?: { fingerprint?: string; indexes?: number[] }): Promise<JobView>;
  health(): Promise<{ postgres: boolean; redis: boolean }>;
}

export type Db = PrismaClient;

/** The slice of pino the API logs through. */
export interface ApiLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

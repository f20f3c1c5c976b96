import { randomUUID } from "node:crypto";
import { MicroBatcher } from "./batcher";
import { footholdTaskValues, insertJob, JOB_COLUMNS, sliceItems, taskItemsAndKeys, TASK_BATCH, TASK_COLUMNS, type Inserted, type InsertedRow, type NewJob, type NewTasks } from "./job-insert";
import { prepared, type Sql } from "./sql";
import type { Logger } from "./types";

export interface JobToInsert {
  job: NewJob;
  tasks: NewTasks;
  /** The foothold's lease (job-insert.ts FOOTHOLD), or null to take none. */
  footholdLeaseMs: number | null;
  /** The request's size, when known: it bounds a group's payload. */
  bytes?: number;
}

/** A group statement carries at most this much of its requests' payload. */
const GROUP_BYTES = 1 << 20;
/** A request this big takes its own statement: it would crowd a group and delay the small ones in it. */
const ALONE_BYTES = 256 << 10;
/** Without a request size (the engine called in-process), an item counts as this many bytes. */
const ITEM_BYTES_GUESS = 256;
const sizeOf = (e: JobToInsert) => e.bytes ?? (e.tasks.items?.length ?? 0) * ITEM_BYTES_GUESS;

const RECORD_TYPES: Record<(typeof JOB_COLUMNS)[number], string> = {
  tenantId: "uuid", name: "text", handler: "text", pool: "text", inputKind: "text", rangeFrom: "bigint", rangeTo: "bigint",
  totalItems: "int", chunkSize: "int", taskCount: "int", priority: "int", maxAttempts: "int", timeoutMs: "int",
  backoffBaseMs: "int", backoffMaxMs: "int", orderingKey: "text", labels: "text", idempotencyKey: "text",
  requestHash: "text", callbackUrl: "text", traceparent: "text", reducer: `"Reducer"`,
};
const quoted = JOB_COLUMNS.map((c) => `"${c}"`);
/** The first job column's parameter: $1 is the job ids, $2-$7 the tasks. */
const JOB_PARAMS = 8;

/**
 * Several submits' jobs and tasks in one statement: the single-job statement
 * (job-insert.ts) per row, with the same foothold rules. Job ids are minted here so
 * tasks and answers can name their job. Jobs go in (tenant, idempotency key) order, so two
 * groups that share keys wait on the unique index in the same order and cannot deadlock;
 * of two jobs in one group with the same key, the earlier one is stored.
 * Jobs arrive as one typed array per column: converting 24-field records to jsonb
 * cost Postgres tens of µs a job (commit.ts measured the same for its records).
 */
const INSERT_GROUP = prepared("insert_job_group", `
WITH input AS (
  SELECT * FROM unnest($1::uuid[], ${JOB_COLUMNS.map((c, i) => `$${JOB_PARAMS + i}::${RECORD_TYPES[c]}[]`).join(", ")}, $${JOB_PARAMS + JOB_COLUMNS.length}::float8[])
    WITH ORDINALITY AS x(id, ${quoted.join(", ")}, lease, ord)
), j AS (
  INSERT INTO jobs (id, ${quoted.join(", ")})
  SELECT id, ${quoted.map((c) => (c === `"labels"` ? `${c}::jsonb` : c)).join(", ")} FROM input ORDER BY "tenantId", "idempotencyKey", ord
  ON CONFLICT ("tenantId", "idempotencyKey") DO NOTHING RETURNING *
), pick AS (
  -- One foothold per tenant and pool per statement, asked for by its first stored job: the
  -- function's try-lock is re-entrant inside one transaction, and whether its checks see
  -- this statement's earlier task rows depends on the plan's order.
  SELECT DISTINCT ON (j."tenantId", j.pool) j.id, j."tenantId", j.pool, input.lease
  FROM j JOIN input ON input.id = j.id WHERE input.lease IS NOT NULL ORDER BY j."tenantId", j.pool, input.ord
), fh AS (
  SELECT id, fanout_take_foothold("tenantId", pool, lease) AS lease_ms FROM pick
), t AS (
  INSERT INTO tasks (${TASK_COLUMNS}, status, admits, "leaseUntil")
  SELECT j.id, s.seq, j."tenantId", j.pool, j.priority, s.first, s.cnt, ${taskItemsAndKeys("$6", "$7")},
         ${footholdTaskValues("s.seq")}
  FROM unnest($2::uuid[], $3::int[], $4::int[], $5::int[]) WITH ORDINALITY AS s(job, seq, first, cnt, ord)
  JOIN j ON j.id = s.job LEFT JOIN fh ON fh.id = s.job
  RETURNING "jobId", status, items
)
SELECT j.*, EXISTS (SELECT 1 FROM t WHERE t."jobId" = j.id AND t.status = 'queued') AS "footholdAdmitted",
  (SELECT items FROM t WHERE t."jobId" = j.id AND t.status = 'queued') AS "footholdItems" FROM j`);

/** One statement for all of `group` (each of at most TASK_BATCH tasks); null where the idempotency key existed. */
export async function insertJobGroup(sql: Sql, group: JobToInsert[]): Promise<(Inserted | null)[]> {
  const ids = group.map(() => randomUUID());
  const columns = JOB_COLUMNS.map((c) => group.map(({ job }) => (typeof job[c] === "bigint" ? String(job[c]) : job[c])));
  const taskJob: string[] = [], seq: number[] = [], first: number[] = [], cnt: number[] = [], items: unknown[] = [], keys: string[][] = [];
  group.forEach(({ tasks }, i) => {
    tasks.slices.forEach((s, k) => {
      taskJob.push(ids[i]!);
      seq.push(s.seq);
      first.push(s.firstIndex);
      cnt.push(s.itemCount);
      items.push(sliceItems(tasks.items, s));
      keys.push(tasks.orderingKeys[k] ?? []);
    });
  });
  const anyItems = group.some((g) => g.tasks.items);
  const anyKeys = keys.some((k) => k.length > 0);
  const rows = await sql.query<InsertedRow>(INSERT_GROUP, [
    ids, taskJob, seq, first, cnt, anyItems ? JSON.stringify(items) : null, anyKeys ? JSON.stringify(keys) : null,
    ...columns, group.map((g) => g.footholdLeaseMs),
  ]);
  const byId = new Map(rows.map(({ footholdAdmitted, footholdItems, ...job }) => [job.id, { job, footholdAdmitted, footholdItems }]));
  return ids.map((id) => byId.get(id) ?? null);
}

const toError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Whether a failed statement certainly wrote nothing: Postgres itself answered with an
 * error (pg's DatabaseError: a severity and a SQLSTATE), so the statement rolled back.
 * A lost connection (no answer, or class 08) or a server going down (57P) may come after
 * the commit; so may anything else.
 */
export function rolledBack(err: unknown): boolean {
  const { code, severity } = (err ?? {}) as { code?: unknown; severity?: unknown };
  return typeof severity === "string" && typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith("08") && !code.startsWith("57P");
}

/**
 * Group commit for submits: concurrent submits (one web process answering many requests)
 * share a statement and a WAL flush instead of paying one each; a lone submit runs the
 * single-job statement on the next tick. A group that Postgres refuses is
 * retried one job at a time, so one bad job fails only its own request; one that may have
 * committed (the connection dropped) fails every request in it, as a lone submit would.
 * Submits with an idempotency key group apart: one can wait on the unique index for a
 * duplicate still being inserted (a job over TASK_BATCH tasks holds its key for its whole
 * transaction), and that wait must not hold up unkeyed submits (it can still hold up other
 * keyed ones: two statements in flight per kind). Jobs too large for
 * one statement, or big requests, go alone.
 */
export class JobInserter {
  private readonly plain: MicroBatcher<JobToInsert, Inserted | null | Error>;
  private readonly keyed: MicroBatcher<JobToInsert, Inserted | null | Error>;

  constructor(private readonly sql: Sql, private readonly log: Logger, maxGroup = 64) {
    this.plain = new MicroBatcher((group) => this.run(group), maxGroup);
    this.keyed = new MicroBatcher((group) => this.run(group), maxGroup);
  }

  insert(entry: JobToInsert): Promise<Inserted | null> {
    if (entry.tasks.slices.length > TASK_BATCH || sizeOf(entry) > ALONE_BYTES) return insertJob(this.sql, entry.job, entry.tasks, entry.footholdLeaseMs);
    return (entry.job.idempotencyKey ? this.keyed : this.plain).submit(entry).then((out) => {
      if (out instanceof Error) throw out;
      return out;
    });
  }

  /** Statements of at most TASK_BATCH tasks and GROUP_BYTES of requests each, one after another. */
  private async run(group: JobToInsert[]): Promise<(Inserted | null | Error)[]> {
    const out: (Inserted | null | Error)[] = [];
    for (let i = 0; i < group.length; ) {
      let tasks = group[i]!.tasks.slices.length;
      let bytes = sizeOf(group[i]!);
      let end = i + 1;
      for (; end < group.length; end++) {
        const next = group[end]!;
        if (tasks + next.tasks.slices.length > TASK_BATCH || bytes + sizeOf(next) > GROUP_BYTES) break;
        tasks += next.tasks.slices.length;
        bytes += sizeOf(next);
      }
      out.push(...(await this.statement(group.slice(i, end))));
      i = end;
    }
    return out;
  }

  private async statement(group: JobToInsert[]): Promise<(Inserted | null | Error)[]> {
    if (group.length === 1) return [await this.one(group[0]!)];
    try {
      return await insertJobGroup(this.sql, group);
    } catch (err) {
      const error = toError(err);
      if (!rolledBack(err)) return group.map(() => error);
      this.log.debug({ err, jobs: group.length }, "grouped job insert refused; inserting one at a time");
      return Promise.all(group.map((e) => this.one(e)));
    }
  }

  private one(e: JobToInsert): Promise<Inserted | null | Error> {
    return insertJob(this.sql, e.job, e.tasks, e.footholdLeaseMs).catch(toError);
  }
}

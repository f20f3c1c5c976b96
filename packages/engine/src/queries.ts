import type { PrismaClient } from "@fanout/db";
import { notFound } from "@fanout/validators";
import type { DeadLetterView, ListJobsFilter, Page, ResultRow, TaskView } from "./types";
import { NONE_ACTIVE, type ActiveCounts } from "./views";
import type { Sql } from "./sql";

/** Running items per job, from the (jobId, status) index: only running tasks are read. */
export async function activeCounts(sql: Sql, jobIds: string[]): Promise<Map<string, ActiveCounts>> {
  if (jobIds.length === 0) return new Map();
  const rows = await sql.query<{ jobId: string; running: number; runningRetry: number }>(
    `SELECT "jobId", sum(n)::int AS running, coalesce(sum(n) FILTER (WHERE runs > 0), 0)::int AS "runningRetry"
     FROM (SELECT "jobId", runs, CASE WHEN cardinality("pendingIdx") = 0 THEN "itemCount" ELSE cardinality("pendingIdx") END AS n
           FROM tasks WHERE "jobId" = ANY($1::uuid[]) AND status = 'running') x
     GROUP BY "jobId"`,
    [jobIds],
  );
  return new Map(rows.map((r) => [r.jobId, { running: r.running, runningRetry: r.runningRetry }]));
}

export async function activeFor(sql: Sql, jobId: string): Promise<ActiveCounts> {
  return (await activeCounts(sql, [jobId])).get(jobId) ?? NONE_ACTIVE;
}

/** Every read is scoped by tenant: another tenant's id is indistinguishable from a missing one. */
export async function findJob(prisma: PrismaClient, tenantId: string, jobId: string) {
  const job = /^[0-9a-f-]{36}$/i.test(jobId) ? await prisma.job.findFirst({ where: { id: jobId, tenantId } }) : null;
  if (!job) throw notFound("job");
  return job;
}

const encode = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const decode = (s: string) => Buffer.from(s, "base64url").toString("utf8");

export async function listJobs(prisma: PrismaClient, tenantId: string, f: ListJobsFilter) {
  let before: { createdAt: Date; id: string } | undefined;
  if (f.cursor) {
    const [ts, id] = decode(f.cursor).split("|");
    const d = new Date(ts ?? "");
    if (!id || Number.isNaN(d.getTime())) return { rows: [], nextCursor: null };
    before = { createdAt: d, id };
  }
  const rows = await prisma.job.findMany({
    where: {
      tenantId,
      ...(f.status ? { status: f.status } : {}),
      ...(f.handler ? { handler: f.handler } : {}),
      ...(f.label ? { labels: { path: [f.label.key], equals: f.label.value } } : {}),
      ...(f.createdFrom || f.createdTo
        ? { createdAt: { ...(f.createdFrom ? { gte: new Date(f.createdFrom) } : {}), ...(f.createdTo ? { lt: new Date(f.createdTo) } : {}) } }
        : {}),
      // Two ORs (search, cursor) must both hold: spread as one key they would overwrite each other.
      AND: [
        ...(f.q ? [{ OR: [{ name: { contains: f.q, mode: "insensitive" as const } }, ...(/^[0-9a-f-]{36}$/i.test(f.q) ? [{ id: f.q.toLowerCase() }] : [])] }] : []),
        ...(before ? [{ OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }] : []),
      ],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: f.limit + 1,
    // A list shows no reduction; a collect one can be tens of KB per job.
    omit: { result: true },
  });
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, nextCursor: more && last ? encode(`${last.createdAt.toISOString()}|${last.id}`) : null };
}

function parseIndexCursor(cursor: string | undefined): number {
  const n = cursor ? Number(cursor) : 0;
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/**
 * Results in item order. Outputs live one row per task run, so a page reads only the
 * tasks covering [from, from+limit) and merges them with that range's dead letters.
 */
export async function getResults(prisma: PrismaClient, tenantId: string, jobId: string, limit: number, cursor?: string): Promise<Page<ResultRow>> {
  const job = await findJob(prisma, tenantId, jobId);
  const from = parseIndexCursor(cursor);
  const to = Math.min(job.totalItems, from + limit);
  if (from >= to) return { data: [], nextCursor: null };
  const seqFrom = Math.floor(from / job.chunkSize);
  const seqTo = Math.floor((to - 1) / job.chunkSize);
  const [runs, dead] = await Promise.all([
    prisma.taskResult.findMany({ where: { jobId, tenantId, seq: { gte: seqFrom, lte: seqTo } }, select: { seq: true, indexes: true, outputs: true } }),
    prisma.deadLetter.findMany({ where: { jobId, tenantId, itemIndex: { gte: from, lt: to } }, select: { itemIndex: true, error: true } }),
  ]);
  const rows: ResultRow[] = [];
  for (const run of runs) {
    const outputs = run.outputs as unknown[];
    // An empty index list marks a dense run: the whole chunk, in order.
    const base = run.seq * job.chunkSize;
    outputs.forEach((output, i) => {
      const index = run.indexes.length > 0 ? run.indexes[i]! : base + i;
      if (index >= from && index < to) rows.push({ index, status: "succeeded", output: output ?? null });
    });
  }
  for (const d of dead) rows.push({ index: d.itemIndex, status: "dead", error: d.error });
  rows.sort((a, b) => a.index - b.index);
  return { data: rows, nextCursor: to < job.totalItems ? String(to) : null };
}

export async function listTasks(prisma: PrismaClient, tenantId: string, jobId: string, limit: number, cursor?: string): Promise<Page<TaskView>> {
  await findJob(prisma, tenantId, jobId);
  const from = parseIndexCursor(cursor);
  const tasks = await prisma.task.findMany({
    where: { jobId, tenantId, seq: { gte: from } },
    orderBy: { seq: "asc" },
    take: limit + 1,
    select: { seq: true, status: true, firstIndex: true, itemCount: true, attempt: true, runs: true, workerId: true, startedAt: true, finishedAt: true, lastError: true },
  });
  const more = tasks.length > limit;
  const page = more ? tasks.slice(0, limit) : tasks;
  return {
    data: page.map((t) => ({
      ...t,
      startedAt: t.startedAt?.toISOString() ?? null,
      finishedAt: t.finishedAt?.toISOString() ?? null,
      durationMs: t.startedAt && t.finishedAt ? t.finishedAt.getTime() - t.startedAt.getTime() : null,
    })),
    nextCursor: more ? String(page[page.length - 1]!.seq + 1) : null,
  };
}

export async function listDeadLetters(prisma: PrismaClient, tenantId: string, jobId: string, limit: number, cursor?: string): Promise<Page<DeadLetterView>> {
  await findJob(prisma, tenantId, jobId);
  const from = parseIndexCursor(cursor);
  const rows = await prisma.deadLetter.findMany({ where: { jobId, tenantId, discardedAt: null, itemIndex: { gte: from } }, orderBy: { itemIndex: "asc" }, take: limit + 1 });
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    data: page.map((d) => ({ index: d.itemIndex, attempts: d.attempts, error: d.error, fingerprint: d.fingerprint, createdAt: d.createdAt.toISOString() })),
    nextCursor: more ? String(page[page.length - 1]!.itemIndex + 1) : null,
  };
}

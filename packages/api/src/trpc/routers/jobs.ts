// Jobs for the dashboard: the same validation as REST, scoped to the selected tenant;
// viewers read, members and above submit, cancel, pause, resume, redrive and discard.
import { z } from "zod";
import {
  createJobSchema,
  dashboardJobsQuerySchema,
  jobIdSchema,
  notFound,
  pageQuerySchema,
} from "@fanout/validators";
import { jobStats } from "../../dashboard/job-stats";
import { roleProcedure, router, tenantProcedure } from "../init";

/** Any string is accepted as an id; a non-UUID is answered 404 exactly like a missing job. */
const idInput = z.object({ id: z.string().max(100) });
const pageInput = idInput.extend(pageQuerySchema.shape);
const groupInput = idInput.extend({ fingerprint: z.string().min(1).max(200).optional() });

function checkedId(id: string): string {
  if (!jobIdSchema.safeParse(id).success) throw notFound();
  return id.toLowerCase();
}

const write = roleProcedure("member");

export const jobsRouter = router({
  list: tenantProcedure
    .input(dashboardJobsQuerySchema)
    .query(({ ctx, input }) => ctx.engine.listJobs(ctx.tenantId, input)),

  /** Handlers this tenant has used, for the list's filter (bounded, from the jobs index). */
  handlers: tenantProcedure.query(async ({ ctx }) => {
    const rows = await ctx.prisma.$queryRawUnsafe<{ handler: string }[]>(
      `SELECT DISTINCT handler FROM (SELECT handler FROM jobs WHERE "tenantId" = $1::uuid ORDER BY "createdAt" DESC LIMIT 1000) recent ORDER BY handler LIMIT 100`,
      ctx.tenantId,
    );
    return rows.map((r) => r.handler);
  }),

  get: tenantProcedure.input(idInput).query(({ ctx, input }) => ctx.engine.getJob(ctx.tenantId, checkedId(input.id))),

  /** Throughput, durations and queue wait from a bounded sample of the job's tasks. */
  stats: tenantProcedure.input(idInput).query(({ ctx, input }) => jobStats(ctx.prisma, ctx.tenantId, checkedId(input.id))),

  results: tenantProcedure
    .input(pageInput)
    .query(({ ctx, input }) =>
      ctx.engine.getResults(ctx.tenantId, checkedId(input.id), { limit: input.limit, cursor: input.cursor }),
    ),

  tasks: tenantProcedure
    .input(pageInput)
    .query(({ ctx, input }) =>
      ctx.engine.listTasks(ctx.tenantId, checkedId(input.id), { limit: input.limit, cursor: input.cursor }),
    ),

  deadLetters: tenantProcedure
    .input(pageInput)
    .query(({ ctx, input }) =>
      ctx.engine.listDeadLetters(ctx.tenantId, checkedId(input.id), { limit: input.limit, cursor: input.cursor }),
    ),

  deadLetterGroups: tenantProcedure
    .input(idInput)
    .query(({ ctx, input }) => ctx.engine.deadLetterGroups(ctx.tenantId, checkedId(input.id))),

  submit: write
    .input(z.object({ job: createJobSchema, idempotencyKey: z.string().min(1).max(255).optional() }))
    .mutation(async ({ ctx, input }) => {
      const { job, created } = await ctx.engine.submitJob(ctx.tenantId, input.job, {
        idempotencyKey: input.idempotencyKey,
        requestBytes: Buffer.byteLength(JSON.stringify(input.job)),
      });
      return { job, created };
    }),

  cancel: write.input(idInput).mutation(({ ctx, input }) => ctx.engine.cancelJob(ctx.tenantId, checkedId(input.id))),
  pause: write.input(idInput).mutation(({ ctx, input }) => ctx.engine.pauseJob(ctx.tenantId, checkedId(input.id))),
  resume: write.input(idInput).mutation(({ ctx, input }) => ctx.engine.resumeJob(ctx.tenantId, checkedId(input.id))),

  /** Retry failed: every dead item, or one fingerprint group. */
  redrive: write
    .input(groupInput)
    .mutation(({ ctx, input }) =>
      ctx.engine.redrive(ctx.tenantId, checkedId(input.id), input.fingerprint ? { fingerprint: input.fingerprint } : undefined),
    ),

  /** Acknowledge dead items of one group (or all) without re-running them. */
  discard: write
    .input(groupInput)
    .mutation(({ ctx, input }) =>
      ctx.engine.discardDeadLetters(ctx.tenantId, checkedId(input.id), input.fingerprint ? { fingerprint: input.fingerprint } : undefined),
    ),
});

// Jobs for the dashboard: the same validation as REST, scoped to the selected tenant;
// viewers read, members and above submit, cancel and redrive.
import { z } from "zod";
import { createJobSchema, jobIdSchema, listJobsQuerySchema, notFound, pageQuerySchema } from "@fanout/validators";
import { roleProcedure, router, tenantProcedure } from "../init";

/** Any string is accepted as an id; a non-UUID is answered 404 exactly like a missing job. */
const idInput = z.object({ id: z.string().max(100) });
const pageInput = idInput.extend(pageQuerySchema.shape);

function checkedId(id: string): string {
  if (!jobIdSchema.safeParse(id).success) throw notFound();
  return id.toLowerCase();
}

export const jobsRouter = router({
  list: tenantProcedure
    .input(listJobsQuerySchema)
    .query(({ ctx, input }) => ctx.engine.listJobs(ctx.tenantId, input)),

  get: tenantProcedure.input(idInput).query(({ ctx, input }) => ctx.engine.getJob(ctx.tenantId, checkedId(input.id))),

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

  submit: roleProcedure("member")
    .input(z.object({ job: createJobSchema, idempotencyKey: z.string().min(1).max(255).optional() }))
    .mutation(({ ctx, input }) =>
      ctx.engine.submitJob(ctx.tenantId, input.job, {
        idempotencyKey: input.idempotencyKey,
        requestBytes: Buffer.byteLength(JSON.stringify(input.job)),
      }),
    ),

  cancel: roleProcedure("member")
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.engine.cancelJob(ctx.tenantId, checkedId(input.id))),

  redrive: roleProcedure("member")
    .input(idInput)
    .mutation(({ ctx, input }) => ctx.engine.redrive(ctx.tenantId, checkedId(input.id))),
});

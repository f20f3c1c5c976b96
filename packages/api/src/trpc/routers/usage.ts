// The selected tenant's usage against its quota (every member may look).
import { tenantUsage } from "../../dashboard/usage";
import { router, tenantProcedure } from "../init";

export const usageRouter = router({
  current: tenantProcedure.query(({ ctx }) => tenantUsage(ctx.prisma, ctx.tenantId)),
});

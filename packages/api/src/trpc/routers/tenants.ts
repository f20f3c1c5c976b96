// The signed-in user's tenants, for the tenant switcher.
import { authedProcedure, router } from "../init";

export const tenantsRouter = router({
  mine: authedProcedure.query(({ ctx }) => ({
    current: ctx.membership?.tenantId ?? null,
    memberships: ctx.memberships,
    isPlatformAdmin: ctx.user.isPlatformAdmin,
  })),
});

import { router } from "./init";
import { adminRouter } from "./routers/admin";
import { apiKeysRouter } from "./routers/apiKeys";
import { jobsRouter } from "./routers/jobs";
import { tenantsRouter } from "./routers/tenants";
import { usageRouter } from "./routers/usage";

export const appRouter = router({
  jobs: jobsRouter,
  apiKeys: apiKeysRouter,
  tenants: tenantsRouter,
  usage: usageRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

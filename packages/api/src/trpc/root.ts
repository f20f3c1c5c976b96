import { router } from "./init";
import { apiKeysRouter } from "./routers/apiKeys";
import { jobsRouter } from "./routers/jobs";
import { quotasRouter, workersRouter } from "./routers/placeholders";
import { tenantsRouter } from "./routers/tenants";

export const appRouter = router({
  jobs: jobsRouter,
  apiKeys: apiKeysRouter,
  tenants: tenantsRouter,
  quotas: quotasRouter,
  workers: workersRouter,
});

export type AppRouter = typeof appRouter;

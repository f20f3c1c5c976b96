// Tenant-registered handlers: names a tenant's own remote workers serve. Jobs naming one
// go to the tenant's remote pool and are leased over HTTP (see ./workers.ts).
import { registerHandlerSchema, type RegisterHandlerInput } from "@fanout/validators";
import { SCOPES } from "@fanout/auth";
import type { RemoteHandlerView } from "@fanout/engine";
import { json } from "./http";
import { jsonBody, noContent } from "./kit";
import type { Route } from "./routes";

const view = (h: RemoteHandlerView) => ({
  name: h.name,
  timeoutMs: h.timeoutMs,
  maxAttempts: h.maxAttempts,
  concurrencyPerWorker: h.concurrencyPerWorker,
  reducer: h.reducer,
});

export const HANDLER_ROUTES: Route[] = [
  {
    segments: ["handlers"],
    methods: {
      GET: {
        scope: SCOPES.jobsRead,
        run: async (c) => json(200, { data: (await c.engine.remote.listHandlers(c.tenantId)).map(view) }),
      },
      POST: {
        scope: SCOPES.jobsWrite,
        run: async (c) => {
          const input: RegisterHandlerInput = await jsonBody(c, registerHandlerSchema);
          // Registering again updates the defaults (idempotent), hence 200 rather than 201.
          return json(200, view(await c.engine.remote.registerHandler(c.tenantId, input)));
        },
      },
    },
  },
  {
    segments: ["handlers", ":name"],
    methods: {
      DELETE: {
        scope: SCOPES.jobsWrite,
        run: async (c) => {
          await c.engine.remote.deleteHandler(c.tenantId, c.params.name!);
          return noContent();
        },
      },
    },
  },
];

// The remote-worker lease protocol over HTTP (scope `workers`). Tenant code never runs in
// Fanout and never touches Redis: a worker long-polls /lease, extends its leases with
// /heartbeat (visibility timeout), and sends outcomes to /report, fenced by the attempt
// number so a worker whose lease lapsed cannot overwrite a newer attempt (409 lease_expired).
import { SCOPES } from "@fanout/auth";
import { heartbeatRequestSchema, leaseRequestSchema, releaseRequestSchema, reportRequestSchema } from "@fanout/validators";
import { json } from "./http";
import { jsonBody } from "./kit";
import type { Route } from "./routes";

export const WORKER_ROUTES: Route[] = [
  {
    segments: ["workers", "lease"],
    methods: {
      POST: {
        scope: SCOPES.workers,
        run: async (c) => {
          const r = await jsonBody(c, leaseRequestSchema);
          // The long poll ends early when the client goes away, so an abandoned request
          // cannot lease tasks nobody will run (they would sit until visibility lapses).
          const tasks = await c.engine.remote.lease({ tenantId: c.tenantId, ...r, signal: c.req.signal });
          if (c.req.signal.aborted && tasks.length) await c.engine.remote.release(c.tenantId, r.workerId, tasks);
          return json(200, { tasks });
        },
      },
    },
  },
  {
    segments: ["workers", "heartbeat"],
    methods: {
      POST: {
        scope: SCOPES.workers,
        run: async (c) => {
          const h = await jsonBody(c, heartbeatRequestSchema);
          return json(200, await c.engine.remote.heartbeat(c.tenantId, h.workerId, h.handlers, h.concurrency, h.leases, h.visibilityMs));
        },
      },
    },
  },
  {
    segments: ["workers", "report"],
    methods: {
      POST: {
        scope: SCOPES.workers,
        run: async (c) => {
          const { workerId, jobId, seq, attempt, items } = await jsonBody(c, reportRequestSchema);
          const reports = items.map((it) => ("error" in it ? { index: it.index, error: it.error } : { index: it.index, output: it.output ?? null }));
          return json(200, await c.engine.remote.report(c.tenantId, workerId, { jobId: jobId.toLowerCase(), seq, attempt }, reports));
        },
      },
    },
  },
  {
    segments: ["workers", "release"],
    methods: {
      POST: {
        scope: SCOPES.workers,
        run: async (c) => {
          const { workerId, leases } = await jsonBody(c, releaseRequestSchema);
          return json(200, { released: await c.engine.remote.release(c.tenantId, workerId, leases) });
        },
      },
    },
  },
];

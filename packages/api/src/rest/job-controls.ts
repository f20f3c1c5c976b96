// Job controls beyond the contract's minimum: pause/resume, dead letters grouped by error
// fingerprint (10,000 failures of one cause read as one row), and redrive/discard of a
// selection. Bodies are optional where the contract defines a bodiless call.
import { SCOPES } from "@fanout/auth";
import { deadLetterFilterSchema, deadLettersQuerySchema } from "@fanout/validators";
import { json } from "./http";
import { jsonBody, parseWith, queryOf } from "./kit";
import type { Endpoint, Route } from "./routes";

/** GET /jobs/{id}/dead-letters: the contract's paged list, or groups with ?groupBy=fingerprint. */
export const listDeadLetters: Endpoint = {
  scope: SCOPES.jobsRead,
  run: async (c) => {
    const { groupBy, ...page } = parseWith(deadLettersQuerySchema, queryOf(c.url));
    if (groupBy) return json(200, { groupBy, data: await c.engine.deadLetterGroups(c.tenantId, c.jobId) });
    return json(200, await c.engine.listDeadLetters(c.tenantId, c.jobId, page));
  },
};

/** POST /jobs/{id}/redrive: an empty body redrives every dead item (CONTRACT.md). */
export const redrive: Endpoint = {
  scope: SCOPES.jobsWrite,
  run: async (c) => json(200, await c.engine.redrive(c.tenantId, c.jobId, await jsonBody(c, deadLetterFilterSchema, { optional: true }))),
};

export const JOB_CONTROL_ROUTES: Route[] = [
  {
    segments: ["jobs", ":id", "pause"],
    methods: { POST: { scope: SCOPES.jobsWrite, run: async (c) => json(200, await c.engine.pauseJob(c.tenantId, c.jobId)) } },
  },
  {
    segments: ["jobs", ":id", "resume"],
    methods: { POST: { scope: SCOPES.jobsWrite, run: async (c) => json(200, await c.engine.resumeJob(c.tenantId, c.jobId)) } },
  },
  {
    segments: ["jobs", ":id", "dead-letters", "discard"],
    methods: {
      POST: {
        scope: SCOPES.jobsWrite,
        run: async (c) => json(200, await c.engine.discardDeadLetters(c.tenantId, c.jobId, await jsonBody(c, deadLetterFilterSchema, { optional: true }))),
      },
    },
  },
];

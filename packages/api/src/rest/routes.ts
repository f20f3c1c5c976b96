// The /api/v1 route table (CONTRACT.md). Each endpoint declares the scope it needs;
// the handler in ./index.ts does matching, auth and error mapping around it.
import {
  FanoutError,
  createJobSchema,
  fromZodError,
  listJobsQuerySchema,
  pageQuerySchema,
  type CreateJobInput,
} from "@fanout/validators";
import type { z } from "zod";
import type { Scope } from "@fanout/auth";
import { assertCallbackUrlAllowed } from "@fanout/webhooks";
import { SCOPE_READ, SCOPE_WRITE } from "./auth";
import { isJsonContentType, json, parseJsonBytes, readBodyCapped } from "./http";
import { ADMIN_ROUTES } from "./admin-quota";
import { HANDLER_ROUTES } from "./handlers";
import { JOB_CONTROL_ROUTES, listDeadLetters, redrive } from "./job-controls";
import { OPENAPI_ROUTES } from "./openapi-route";
import { WEBHOOK_ROUTES } from "./webhooks";
import { WORKER_ROUTES } from "./workers";
import type { ApiEngine, Db } from "../types";

export interface EndpointContext {
  req: Request;
  url: URL;
  tenantId: string;
  /** The job id from the path, already checked to be a UUID. */
  jobId: string;
  engine: ApiEngine;
  prisma: Db;
  maxBodyBytes: number;
  /** Other ":name" path segments, decoded. */
  params: Record<string, string>;
  /** FANOUT_SECRET_KEY, when webhooks are configured. */
  secretKey?: string;
  /** The API key's id once authenticated (audit entries name it as the actor). */
  keyId?: string;
}

export interface Endpoint {
  /** null: public, no API key (the OpenAPI document). */
  scope: Scope | null;
  run(ctx: EndpointContext): Promise<Response>;
}

export interface Route {
  /** Segments after /api/v1; ":id" captures the job id, any other ":name" goes to params. */
  segments: string[];
  methods: Partial<Record<string, Endpoint>>;
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZodError(r.error);
  return r.data;
}

/** Query parameters as a plain object (first value wins for repeated keys). */
function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in out)) out[k] = v;
  return out;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function idempotencyKey(req: Request): string | undefined {
  const raw = req.headers.get("idempotency-key");
  if (raw === null) return undefined;
  const key = raw.trim();
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new FanoutError(
      400,
      "invalid_field",
      "Idempotency-Key must be 1 to 255 visible ASCII characters without spaces.",
      "Idempotency-Key",
    );
  }
  return key;
}

async function submit(ctx: EndpointContext): Promise<Response> {
  if (!isJsonContentType(ctx.req.headers.get("content-type"))) {
    throw new FanoutError(415, "unsupported_media_type", "Send the job as JSON with 'Content-Type: application/json'.");
  }
  const key = idempotencyKey(ctx.req);
  const bytes = await readBodyCapped(ctx.req, ctx.maxBodyBytes);
  const body = parseJsonBytes(bytes);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new FanoutError(400, "invalid_field", "The request body must be a JSON object describing the job.");
  }
  const input: CreateJobInput = parseWith(createJobSchema, body);
  if (input.callbackUrl) await checkCallbackUrl(ctx, input.callbackUrl);
  const { job, created, headers } = await ctx.engine.submitJob(ctx.tenantId, input, {
    idempotencyKey: key,
    requestBytes: bytes.byteLength,
    // W3C trace context from the client: the job's trace continues to its handlers.
    traceparent: ctx.req.headers.get("traceparent") ?? undefined,
  });
  // The RateLimit headers tell well-behaved clients to slow down before they hit 429.
  return json(created ? 201 : 200, job, { ...headers, ...(created ? { location: `/api/v1/jobs/${job.id}` } : {}) });
}

/** SSRF guard at submit: a literal private IP is refused now, not at delivery time. */
async function checkCallbackUrl(ctx: EndpointContext, url: string): Promise<void> {
  const t = await ctx.prisma.tenant.findUnique({ where: { id: ctx.tenantId }, select: { allowPrivateCallbacks: true } });
  assertCallbackUrlAllowed(url, t?.allowPrivateCallbacks === true);
}

const page = (url: URL) => parseWith(pageQuerySchema, queryObject(url));

export const ROUTES: Route[] = [
  {
    segments: ["jobs"],
    methods: {
      GET: {
        scope: SCOPE_READ,
        run: async ({ url, engine, tenantId }) => {
          const filter = parseWith(listJobsQuerySchema, queryObject(url));
          return json(200, await engine.listJobs(tenantId, filter));
        },
      },
      POST: { scope: SCOPE_WRITE, run: submit },
    },
  },
  {
    segments: ["jobs", ":id"],
    methods: {
      GET: { scope: SCOPE_READ, run: async ({ engine, tenantId, jobId }) => json(200, await engine.getJob(tenantId, jobId)) },
    },
  },
  {
    segments: ["jobs", ":id", "results"],
    methods: {
      GET: { scope: SCOPE_READ, run: async (c) => json(200, await c.engine.getResults(c.tenantId, c.jobId, page(c.url))) },
    },
  },
  {
    // The job's reduction (DESIGN §7): singular, beside the per-item /results it reduces.
    segments: ["jobs", ":id", "result"],
    methods: {
      GET: { scope: SCOPE_READ, run: async (c) => json(200, await c.engine.getJobResult(c.tenantId, c.jobId)) },
    },
  },
  {
    segments: ["jobs", ":id", "tasks"],
    methods: {
      GET: { scope: SCOPE_READ, run: async (c) => json(200, await c.engine.listTasks(c.tenantId, c.jobId, page(c.url))) },
    },
  },
  {
    segments: ["jobs", ":id", "dead-letters"],
    methods: {
      GET: listDeadLetters,
    },
  },
  {
    segments: ["jobs", ":id", "cancel"],
    methods: {
      POST: { scope: SCOPE_WRITE, run: async (c) => json(200, await c.engine.cancelJob(c.tenantId, c.jobId)) },
    },
  },
  {
    segments: ["jobs", ":id", "redrive"],
    methods: {
      POST: redrive,
    },
  },
  ...JOB_CONTROL_ROUTES,
  ...HANDLER_ROUTES,
  ...WORKER_ROUTES,
  ...WEBHOOK_ROUTES,
  ...OPENAPI_ROUTES,
  ...ADMIN_ROUTES,
];

export interface RouteMatch {
  route: Route;
  id?: string;
  params: Record<string, string>;
}

/** Match path segments (after /api/v1) against the table; undefined when nothing matches. */
export function matchRoute(segments: string[]): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.segments.length !== segments.length) continue;
    let id: string | undefined;
    const params: Record<string, string> = {};
    const ok = route.segments.every((s, i) => {
      if (s === ":id") {
        id = segments[i];
        return true;
      }
      if (s.startsWith(":")) {
        params[s.slice(1)] = segments[i]!;
        return true;
      }
      return s === segments[i];
    });
    if (ok) return { route, id, params };
  }
  return undefined;
}

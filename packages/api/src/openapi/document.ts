// Builds the OpenAPI 3.1 document from ./operations.ts and the zod schemas in
// @fanout/validators via zod 4's z.toJSONSchema (JSON Schema 2020-12, the dialect OpenAPI
// 3.1 uses). Nothing here restates a schema by hand: shapes come from zod, this file only
// arranges them into paths, parameters and responses.
import { z } from "zod";
import { OPERATIONS, REQUEST_SCHEMAS, RESPONSE_SCHEMAS, type ErrorStatus, type OperationSpec } from "./operations";

type Json = Record<string, unknown>;
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const uri = (id: string) => `#/components/schemas/${id}`;

function clean(schema: Json): Json {
  // zod names components with $id "#/components/…"; a fragment $id is not valid 2020-12.
  const { $schema: _s, $id: _i, id: _id, ...rest } = schema;
  return rest;
}

/** Converts a named set of schemas; a schema used inside another becomes a $ref to it. */
function components(named: Record<string, z.ZodType>, io: "input" | "output"): { schemas: Record<string, Json>; registry: z.core.$ZodRegistry<{ id?: string }> } {
  const registry = z.registry<{ id?: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, { io, uri, unrepresentable: "any" }) as { schemas: Record<string, Json> };
  return { schemas: Object.fromEntries(Object.entries(out.schemas).map(([k, s]) => [k, clean(s)])), registry };
}

/** A named component becomes a $ref; anything else is converted standalone. */
function inline(schema: z.ZodType, io: "input" | "output", named: Record<string, z.ZodType>): Json {
  const id = Object.entries(named).find(([, s]) => s === schema)?.[0];
  return id ? ref(id) : clean(z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json);
}

const ERROR_TEXT: Record<ErrorStatus, string> = {
  400: "Malformed JSON or a field failed validation (`field` names it).",
  401: "Missing, malformed, unknown, expired or revoked API key.",
  403: "The API key lacks the scope this operation needs (`insufficient_scope`).",
  404: "No such resource in this tenant (another tenant's ids look exactly like missing ones).",
  409: "Conflict: idempotency_key_reused, lease_expired, worker_id_taken, handler_name_reserved, job_cancelled…",
  413: "The request body is larger than allowed.",
  415: "The body is not sent as application/json.",
  422: "Valid JSON that breaks a rule of your tenant's quota (items, priority, queued items) or a forbidden callbackUrl.",
  429: "Submit rate exceeded: wait Retry-After seconds.",
  503: "A dependency is unavailable or not configured.",
};

const header = (description: string, example?: string) => ({ description, schema: { type: "string" }, ...(example ? { example } : {}) });
const RATE_LIMIT_HEADERS = {
  RateLimit: header("Remaining submit budget (IETF draft RateLimit).", '"submit";r=99;t=1'),
  "RateLimit-Policy": header("The tenant's submit policy.", '"submit";q=100;w=2'),
};

function queryParameters(q: z.ZodObject): Json[] {
  const js = clean(z.toJSONSchema(q, { io: "input", unrepresentable: "any" }) as Json) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: js.required?.includes(name) ?? false,
    schema,
    ...(typeof schema.description === "string" ? { description: schema.description } : {}),
  }));
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: name === "id" ? { type: "string", format: "uuid" } : { type: "string" },
    description: name === "id" ? "Job id" : name === "slug" ? "Tenant slug" : "Handler name",
  }));
}

function operation(op: OperationSpec): Json {
  const named = { ...REQUEST_SCHEMAS, ...RESPONSE_SCHEMAS } as Record<string, z.ZodType>;
  const parameters = [...pathParameters(op.path), ...(op.query ? queryParameters(op.query) : [])];
  if (op.idempotencyKey) {
    parameters.push({ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" }, description: "Same key + same body returns the original job; a different body is 409 idempotency_key_reused." });
  }
  const success: Json = { description: op.success.description };
  if (op.success.schema) success.content = { "application/json": { schema: inline(op.success.schema, "output", RESPONSE_SCHEMAS) } };
  const headers: Json = {};
  if (op.success.rateLimited) Object.assign(headers, RATE_LIMIT_HEADERS);
  if (op.success.location) headers.Location = header("URL of the new job.");
  if (Object.keys(headers).length) success.headers = headers;
  const responses: Json = { [String(op.success.status)]: success };
  if (op.operationId === "createJob") responses["200"] = { ...success, description: "The original job of a repeated Idempotency-Key with the same body." };
  for (const status of op.errors) {
    responses[String(status)] = op.errorSchema
      ? { description: ERROR_TEXT[status], content: { "application/json": { schema: inline(op.errorSchema, "output", RESPONSE_SCHEMAS) } } }
      : { $ref: `#/components/responses/E${status}` };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(op.scope ? { security: [{ apiKey: [] }], "x-required-scope": op.scope } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body ? { requestBody: { required: op.body.required, content: { "application/json": { schema: inline(op.body.schema, "input", named) } } } } : {}),
    responses,
  };
}

export function buildOpenApiDocument(): Json {
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);
  const errorResponses = Object.fromEntries(
    (Object.keys(ERROR_TEXT) as unknown as ErrorStatus[]).map((s) => [
      `E${s}`,
      {
        description: ERROR_TEXT[s],
        content: { "application/json": { schema: ref("Error") } },
        ...(Number(s) === 429 ? { headers: { "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" } }, ...RATE_LIMIT_HEADERS } } : {}),
        ...(Number(s) === 401 ? { headers: { "WWW-Authenticate": header("Bearer realm=\"fanout\"") } } : {}),
      },
    ]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "Fanout API",
      version: "1.0.0",
      description:
        "Submit jobs that fan out over many items, follow their progress, read results in item order, and run your own handlers in remote workers. " +
        "Authenticate with `Authorization: Bearer <api key>`; each operation names the scope it needs in `x-required-scope` (an `admin` key has every scope). " +
        "Errors always have the body `{\"error\": {\"code\", \"message\", \"field\"?}}`. Lists answer `{data, nextCursor}`: pass nextCursor back as `cursor` until it is null.",
    },
    servers: [{ url: "/" }],
    tags: ["Jobs", "Dead letters", "Remote workers", "Webhooks", "Meta"].map((name) => ({ name })),
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", bearerFormat: "API key (fo_…)", description: "An API key from the dashboard or `npx fanout key create`." } },
      schemas: { ...components(REQUEST_SCHEMAS, "input").schemas, ...components(RESPONSE_SCHEMAS, "output").schemas },
      responses: errorResponses,
    },
  };
}

// Framework-free REST layer for /api/v1 (CONTRACT.md): `Request` in, `Response` out.
// Per request: match route (404/405) → authenticate the Bearer key (401) → check the
// endpoint's scope (403) → parse and validate path, query and body (404/400/413/415)
// → call the engine with the key's tenant. Authentication comes before reading the body
// so unauthenticated clients always get the contract's 401 and cannot make us read 10 MiB.
import { FanoutError, jobIdSchema, notFound } from "@fanout/validators";
import { authenticate, defaultAuthenticator, requireScope, type Authenticator } from "./auth";
import { DEFAULT_MAX_BODY_BYTES, errorResponse, isFanoutError, json } from "./http";
import { matchRoute } from "./routes";
import type { ApiEngine, ApiLogger, Db } from "../types";

export { DEFAULT_MAX_BODY_BYTES } from "./http";
export { toNodeListener } from "./node-adapter";
export { SCOPE_READ, SCOPE_WRITE, type ApiPrincipal, type Authenticator } from "./auth";

export interface RestDeps {
  engine: ApiEngine;
  prisma: Db;
  logger: ApiLogger;
  /** Largest accepted request body in bytes (default 10 MiB). */
  maxBodyBytes?: number;
  /** Override API-key lookup (tests); defaults to @fanout/auth's authenticateApiKey. */
  authenticate?: Authenticator;
  /** Path prefix the handler is mounted at (default "/api/v1"). */
  basePath?: string;
  /** FANOUT_SECRET_KEY (from @fanout/config): without it GET /webhooks/secret answers 503. */
  secretKey?: string;
}

export type RestHandler = (req: Request) => Promise<Response>;

function splitPath(pathname: string, base: string): string[] | undefined {
  const trimmed = pathname.replace(/\/+$/, "");
  if (trimmed !== base && !trimmed.startsWith(base + "/")) return undefined;
  const rest = trimmed.slice(base.length).split("/").filter(Boolean);
  try {
    return rest.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function createRestHandler(deps: RestDeps): RestHandler {
  const base = deps.basePath ?? "/api/v1";
  const maxBodyBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const auth = deps.authenticate ?? defaultAuthenticator(deps.prisma);

  return async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    try {
      const segments = splitPath(url.pathname, base);
      const match = segments && matchRoute(segments);
      if (!match) throw new FanoutError(404, "not_found", `No route ${req.method} ${url.pathname}.`);
      const endpoint = match.route.methods[req.method];
      if (!endpoint) {
        const allow = Object.keys(match.route.methods).join(", ");
        throw new FanoutError(405, "method_not_allowed", `${req.method} is not allowed here; use ${allow}.`, undefined, { allow });
      }
      const ctx = { req, url, tenantId: "", jobId: "", engine: deps.engine, prisma: deps.prisma, maxBodyBytes, params: match.params, secretKey: deps.secretKey };
      if (endpoint.scope === null) return await endpoint.run(ctx);
      const principal = await authenticate(req, auth);
      requireScope(principal, endpoint.scope);
      let jobId = "";
      if (match.id !== undefined) {
        // A malformed id is indistinguishable from a missing one (and from another tenant's).
        if (!jobIdSchema.safeParse(match.id).success) throw notFound();
        jobId = match.id.toLowerCase();
      }
      return await endpoint.run({ ...ctx, tenantId: principal.tenantId, jobId, keyId: principal.keyId });
    } catch (err) {
      if (isFanoutError(err)) {
        if (err.status >= 500) deps.logger.error({ err, method: req.method, path: url.pathname }, "REST request failed");
        return errorResponse(err);
      }
      // A client that hung up mid-body (load tools stopping, a closed tab) is not our error.
      if (req.signal?.aborted) {
        deps.logger.debug({ method: req.method, path: url.pathname }, "client disconnected before the request was read");
        return json(400, { error: { code: "client_disconnected", message: "The client disconnected before sending the whole request." } });
      }
      deps.logger.error({ err, method: req.method, path: url.pathname }, "unexpected error in REST handler");
      return json(500, { error: { code: "internal_error", message: "Something went wrong on our side; the error was logged. Please retry." } });
    }
  };
}

/** GET /api/health: 200 {"status":"ok"} when Postgres and Redis answer, else 503. */
export async function healthResponse(engine: Pick<ApiEngine, "health">, timeoutMs = 3000): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("health check timed out")), timeoutMs);
    });
    const h = await Promise.race([engine.health(), timeout]);
    if (h.postgres && h.redis) return json(200, { status: "ok" });
    return json(503, { status: "unavailable", postgres: h.postgres, redis: h.redis });
  } catch {
    return json(503, { status: "unavailable", postgres: false, redis: false });
  } finally {
    clearTimeout(timer);
  }
}

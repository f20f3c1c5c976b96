// Bearer API-key authentication and scope checks for the REST layer.
import { authenticateApiKey, hasScope, SCOPES, type Scope } from "@fanout/auth";
import { FanoutError } from "@fanout/validators";
import type { Db } from "../types";

export interface ApiPrincipal {
  keyId: string;
  tenantId: string;
  scopes: string[];
}

export type Authenticator = (rawKey: string) => Promise<ApiPrincipal | null>;

export const SCOPE_READ: Scope = SCOPES.jobsRead;
export const SCOPE_WRITE: Scope = SCOPES.jobsWrite;

const unauthorized = (message: string) =>
  new FanoutError(401, "unauthorized", message, undefined, { "www-authenticate": 'Bearer realm="fanout"' });

export function defaultAuthenticator(prisma: Db): Authenticator {
  return (raw) => authenticateApiKey(prisma, raw);
}

/** Resolve `Authorization: Bearer <key>` to the key's tenant, or throw 401. */
export async function authenticate(req: Request, auth: Authenticator): Promise<ApiPrincipal> {
  const header = req.headers.get("authorization");
  if (!header) throw unauthorized("Missing API key: send it as 'Authorization: Bearer <api key>'.");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized("Malformed Authorization header: expected 'Bearer <api key>'.");
  const principal = await auth(match[1]);
  if (!principal) throw unauthorized("The API key is invalid, expired or revoked.");
  return principal;
}

/** The exact scope (or `admin`) passes; otherwise 403 `insufficient_scope`. */
export function requireScope(principal: ApiPrincipal, scope: Scope): void {
  if (hasScope(principal.scopes, scope)) return;
  throw new FanoutError(403, "insufficient_scope", `This API key lacks the '${scope}' scope needed for this request.`);
}

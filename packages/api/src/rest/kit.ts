// Helpers the newer route modules share: validated JSON bodies and query strings. Kept
// apart from routes.ts so route modules can import them without an import cycle.
import { FanoutError, fromZodError } from "@fanout/validators";
import type { z } from "zod";
import { isJsonContentType, parseJsonBytes, readBodyCapped } from "./http";
import type { EndpointContext } from "./routes";

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw fromZodError(r.error);
  return r.data;
}

/** Query parameters as a plain object (first value wins for repeated keys). */
export function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * Reads and validates a JSON object body: 415 without a JSON content type, 413 over the
 * cap, 400 for bad JSON or a bad field. With `optional`, an empty body means `{}` (the
 * contract's bodiless POST /redrive keeps working).
 */
export async function jsonBody<S extends z.ZodType>(ctx: EndpointContext, schema: S, opts: { optional?: boolean } = {}): Promise<z.output<S>> {
  const bytes = await readBodyCapped(ctx.req, ctx.maxBodyBytes);
  if (bytes.byteLength === 0 && opts.optional) return parseWith(schema, {});
  if (!isJsonContentType(ctx.req.headers.get("content-type"))) {
    throw new FanoutError(415, "unsupported_media_type", "Send the body as JSON with 'Content-Type: application/json'.");
  }
  const body = parseJsonBytes(bytes);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new FanoutError(400, "invalid_field", "The request body must be a JSON object.");
  }
  return parseWith(schema, body);
}

export const noContent = () => new Response(null, { status: 204, headers: { "cache-control": "no-store" } });

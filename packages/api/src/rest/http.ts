// Small, framework-free HTTP helpers for the REST layer: JSON responses in the contract's
// shape and a request-body reader that never buffers more than the configured cap.
import { FanoutError } from "@fanout/validators";

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function errorResponse(err: FanoutError): Response {
  return json(err.status, err.toBody(), err.headers);
}

/** True for `application/json` and `application/<something>+json`, with any parameters. */
export function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(";")[0].trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

const tooLarge = (limit: number) =>
  new FanoutError(413, "payload_too_large", `The request body is larger than the limit of ${limit} bytes.`);

/**
 * Read the body as bytes, stopping (and cancelling the stream) as soon as it exceeds `limit`.
 * A declared Content-Length over the limit is refused before reading anything.
 */
export async function readBodyCapped(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Decode UTF-8 strictly and parse JSON; any failure is a 400 `invalid_json`. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) throw new FanoutError(400, "invalid_json", "The request body is empty; send a JSON object.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FanoutError(400, "invalid_json", "The request body is not valid UTF-8.");
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const detail = e instanceof SyntaxError ? `: ${e.message}` : "";
    throw new FanoutError(400, "invalid_json", `The request body is not valid JSON${detail}`);
  }
}

export const isFanoutError = (e: unknown): e is FanoutError =>
  e instanceof FanoutError ||
  (typeof e === "object" && e !== null && (e as Error).name === "FanoutError" && typeof (e as FanoutError).toBody === "function");

import { createHash } from "node:crypto";

/**
 * Groups errors by cause: numbers, ids and quoted values are masked so that 10,000
 * failures of one bug share one fingerprint.
 */
export function normaliseError(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>")
    .replace(/"[^"]*"|'[^']*'/g, "<str>")
    .replace(/\b0x[0-9a-f]+\b/gi, "<hex>")
    .replace(/-?\d+(\.\d+)?/g, "<n>")
    .slice(0, 500);
}

export function errorFingerprint(name: string, message: string): string {
  return createHash("sha1").update(`${name}:${normaliseError(message)}`).digest("hex").slice(0, 12);
}

export function describeError(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message || err.name };
  return { name: "Error", message: typeof err === "string" ? err : JSON.stringify(err) ?? String(err) };
}

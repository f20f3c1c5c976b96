import type { z } from "zod";

/** The contract's error body: {"error": {"code", "message", "field"?}}. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/** An error that knows its HTTP status and stable code; thrown by the engine and API layers. */
export class FanoutError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "FanoutError";
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export const notFound = (what = "job") => new FanoutError(404, "not_found", `No ${what} with that id exists in this tenant.`);

/** Turn the first zod issue into a 400 naming the field at fault. */
export function fromZodError(err: z.ZodError, prefix = ""): FanoutError {
  const issue = err.issues[0];
  const path = issue ? issue.path.map(String).join(".") : "";
  const field = [prefix, path].filter(Boolean).join(".") || undefined;
  const code = issue?.code === "unrecognized_keys" ? "unknown_field" : "invalid_field";
  const msg = issue ? (field ? `${field}: ${issue.message}` : issue.message) : "invalid request";
  return new FanoutError(400, code, msg, field ?? (issue?.code === "unrecognized_keys" ? (issue as { keys?: string[] }).keys?.[0] : undefined));
}

// Turns the form's strings into a createJobSchema body and validates it with the same
// zod schema the server uses, keyed by field path ("input.items", "priority", …).
import { createJobSchema, type CreateJobInput } from "@fanout/validators";

export interface JobFormValues {
  name: string;
  handler: string;
  mode: "items" | "range";
  items: string;
  from: string;
  to: string;
  chunkSize: string;
  priority: string;
  maxAttempts: string;
  timeoutMs: string;
}

export type FieldErrors = Record<string, string>;

const num = (s: string) => (s.trim() === "" ? undefined : Number(s));

export function buildJob(v: JobFormValues): { job?: CreateJobInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  let input: unknown;
  if (v.mode === "items") {
    try {
      input = { items: JSON.parse(v.items) };
    } catch {
      errors["input.items"] = "Items must be valid JSON, e.g. [\"a\", \"b\"].";
    }
  } else {
    input = { range: { from: num(v.from), to: num(v.to) } };
  }
  const body = {
    handler: v.handler,
    input,
    name: v.name.trim() || undefined,
    chunkSize: num(v.chunkSize),
    priority: num(v.priority),
    maxAttempts: num(v.maxAttempts),
    timeoutMs: num(v.timeoutMs),
  };
  const parsed = createJobSchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join(".") || "form";
      if (key === "input" && errors["input.items"]) continue;
      errors[key] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { job: parsed.data, errors };
}

const VISIBLE = new Set(["name", "handler", "chunkSize", "priority", "maxAttempts", "timeoutMs"]);

/** Which visible field shows an error reported for `path` ("form" when none fits). */
export function fieldFor(path: string, mode: JobFormValues["mode"]): string {
  if (path.startsWith("input.range.from")) return "input.range.from";
  if (path.startsWith("input.range")) return "input.range.to";
  if (path === "input" || path.startsWith("input.items")) return mode === "items" ? "input.items" : "input.range.to";
  const top = path.split(".")[0];
  return VISIBLE.has(top) ? top : "form";
}

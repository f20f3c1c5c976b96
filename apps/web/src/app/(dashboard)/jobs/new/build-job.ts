// Turns the form's strings into a createJobSchema body and validates it with the same
// zod schema the server uses, keyed by field path ("input.items", "priority", …).
import { createJobSchema, type CreateJobInput } from "@fanout/validators";

export type InputMode = "items" | "file" | "range";

export interface JobFormValues {
  name: string;
  handler: string;
  mode: InputMode;
  items: string;
  /** Items read from an uploaded file (mode "file"). */
  fileItems?: unknown[] | null;
  from: string;
  to: string;
  chunkSize: string;
  priority: string;
  maxAttempts: string;
  timeoutMs: string;
  /** One `key=value` per line (or comma separated). */
  labels?: string;
  /** A reducer name; empty: the handler's declared reducer. */
  reduce?: string;
}

export type FieldErrors = Record<string, string>;

const num = (s: string) => (s.trim() === "" ? undefined : Number(s));

/** A JSON array, or NDJSON (one JSON value per line). Throws a message naming the bad line. */
export function parseItemsFile(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error("The file is empty.");
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (e) {
      throw new Error(`The file starts like a JSON array but is not valid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(parsed)) throw new Error("The file must hold a JSON array of items.");
    return parsed;
  }
  const items: unknown[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    try {
      items.push(JSON.parse(line));
    } catch {
      throw new Error(`Line ${i + 1} is not valid JSON (NDJSON needs one JSON value per line).`);
    }
  }
  return items;
}

/** `env=prod, team=data` or one per line → {env: "prod", team: "data"}; undefined when empty. */
export function parseLabels(text: string | undefined): { labels?: Record<string, string>; error?: string } {
  const parts = (text ?? "").split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return {};
  const labels: Record<string, string> = {};
  for (const p of parts) {
    const at = p.indexOf("=");
    if (at <= 0) return { error: `"${p}" is not key=value.` };
    labels[p.slice(0, at).trim()] = p.slice(at + 1).trim();
  }
  return { labels };
}

export function buildJob(v: JobFormValues): { job?: CreateJobInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  let input: unknown;
  if (v.mode === "items") {
    try {
      input = { items: JSON.parse(v.items) };
    } catch {
      errors["input.items"] = "Items must be valid JSON, e.g. [\"a\", \"b\"].";
    }
  } else if (v.mode === "file") {
    if (!v.fileItems) errors["input.file"] = "Choose a .json or .ndjson file with the items.";
    else input = { items: v.fileItems };
  } else {
    input = { range: { from: num(v.from), to: num(v.to) } };
  }
  const labels = parseLabels(v.labels);
  if (labels.error) errors.labels = labels.error;
  const body = {
    handler: v.handler,
    input,
    name: v.name.trim() || undefined,
    chunkSize: num(v.chunkSize),
    priority: num(v.priority),
    maxAttempts: num(v.maxAttempts),
    timeoutMs: num(v.timeoutMs),
    labels: labels.labels,
    reduce: v.reduce || undefined,
  };
  const parsed = createJobSchema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join(".") || "form";
      if (key === "input" && (errors["input.items"] || errors["input.file"])) continue;
      errors[key] ??= issue.message;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { job: parsed.data, errors };
}

const VISIBLE = new Set(["name", "handler", "reduce", "chunkSize", "priority", "maxAttempts", "timeoutMs", "labels"]);

/** Which visible field shows an error reported for `path` ("form" when none fits). */
export function fieldFor(path: string, mode: InputMode): string {
  if (path.startsWith("input.range.from")) return "input.range.from";
  if (path.startsWith("input.range")) return "input.range.to";
  if (path === "input.file") return "input.file";
  if (path === "input" || path.startsWith("input.items")) return mode === "items" ? "input.items" : mode === "file" ? "input.file" : "input.range.to";
  const top = path.split(".")[0]!;
  return VISIBLE.has(top) ? top : "form";
}

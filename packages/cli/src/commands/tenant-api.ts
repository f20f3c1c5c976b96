// Tenant commands of `fanout`, spoken over the REST API with @fanout/sdk (an API key, not
// database access): submit, watch, results, cancel and worker. They work from any machine
// that can reach the API: `--url`/`--api-key` or FANOUT_URL/FANOUT_API_KEY.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createWorker, FanoutClient, isFinished, type Handler, type Job } from "@fanout/sdk";
import { CliError, usageError } from "../errors";

export interface ApiIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  /** Raw stdout writes (the live progress bar redraws one line). */
  write?: (chunk: string) => void;
  isTTY?: boolean;
  stdin?: NodeJS.ReadableStream;
}

export function clientFrom(values: Record<string, string | undefined>, env: ApiIo["env"]): FanoutClient {
  const url = values.url ?? env.FANOUT_URL;
  const apiKey = values["api-key"] ?? env.FANOUT_API_KEY;
  if (!url) throw usageError("--url <api url> or FANOUT_URL is required (e.g. http://localhost:3000)");
  if (!apiKey) throw usageError("--api-key <key> or FANOUT_API_KEY is required");
  return new FanoutClient({ url, apiKey, userAgent: "fanout-cli" });
}

/** A JSON array, or NDJSON (one JSON value per line; blank lines skipped). */
export function parseItems(text: string, source: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) throw new CliError(`no items in ${source}`);
  if (trimmed.startsWith("[")) {
    try {
      const v = JSON.parse(trimmed);
      if (Array.isArray(v)) return v;
    } catch (e) {
      throw new CliError(`${source} is not a valid JSON array: ${(e as Error).message}`);
    }
  }
  return trimmed.split("\n").flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [JSON.parse(line)];
    } catch {
      throw new CliError(`${source} line ${i + 1} is not valid JSON (expected a JSON array or NDJSON)`);
    }
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks).toString("utf8");
}

const int = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw usageError(`--${name} must be a whole number, got '${v}'`);
  return Number(v);
};

export async function submitCommand(values: Record<string, string | undefined>, file: string | undefined, io: ApiIo): Promise<Job> {
  const handler = values.handler;
  if (!handler) throw usageError("--handler <name> is required");
  let input: { items: unknown[] } | { range: { from: number; to: number } };
  if (values.range) {
    const m = /^(-?\d+):(-?\d+)$/.exec(values.range);
    if (!m) throw usageError(`--range must be from:to (integers), got '${values.range}'`);
    if (file) throw usageError("give either --range or an items file, not both");
    input = { range: { from: Number(m[1]), to: Number(m[2]) } };
  } else if (file && file !== "-") {
    if (!fs.existsSync(file)) throw new CliError(`no such file: ${file}`);
    input = { items: parseItems(fs.readFileSync(file, "utf8"), file) };
  } else {
    input = { items: parseItems(await readAll(io.stdin ?? process.stdin), "standard input") };
  }
  const job = await clientFrom(values, io.env).submit(
    {
      handler,
      input,
      ...(values.name ? { name: values.name } : {}),
      ...(values["chunk-size"] ? { chunkSize: int(values["chunk-size"], "chunk-size") } : {}),
      ...(values.priority ? { priority: int(values.priority, "priority") } : {}),
      ...(values["max-attempts"] ? { maxAttempts: int(values["max-attempts"], "max-attempts") } : {}),
      ...(values["callback-url"] ? { callbackUrl: values["callback-url"] } : {}),
    },
    { idempotencyKey: values["idempotency-key"] },
  );
  io.out(job.id); // alone on the line: `id=$(fanout submit …)`
  return job;
}

/** `[██████░░░░]  60% 6000/10000 ok 6000 failed 0 dead 0 running 40 · 1520 items/s · ETA 3s` */
export function progressLine(j: Job, rate: number, width = 30): string {
  const p = j.progress;
  const doneItems = p.succeeded + p.dead;
  const frac = p.total ? doneItems / p.total : 1;
  const filled = Math.round(frac * width);
  const eta = rate > 0 && !isFinished(j) ? ` · ETA ${Math.ceil((p.total - doneItems) / rate)}s` : "";
  return (
    `[${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${doneItems}/${p.total} ` +
    `ok ${p.succeeded} failed ${p.failed} dead ${p.dead} running ${p.running} · ${Math.round(rate)} items/s${eta} · ${j.status}${j.paused ? " (paused)" : ""}`
  );
}

/** Live progress until the job finishes; exit status 0 only when it succeeded. */
export async function watchCommand(values: Record<string, string | undefined>, id: string, io: ApiIo): Promise<number> {
  const client = clientFrom(values, io.env);
  const tty = io.isTTY ?? false;
  let last: Job | undefined;
  let prev = { t: Date.now(), done: 0 };
  let rate = 0;
  for await (const j of client.streamProgress(id, { intervalMs: Number(values.interval ?? 500) })) {
    const now = Date.now();
    const doneItems = j.progress.succeeded + j.progress.dead;
    if (now > prev.t && last) rate = 0.7 * rate + 0.3 * (((doneItems - prev.done) * 1000) / (now - prev.t)); // smoothed
    prev = { t: now, done: doneItems };
    last = j;
    const line = progressLine(j, rate);
    // On a terminal redraw one line; in a pipe or log print one line per change.
    if (tty && io.write) io.write(`\r\x1b[2K${line}`);
    else io.out(line);
  }
  if (tty && io.write) io.write("\n");
  io.out(`Job ${id} ${last!.status}`);
  return last!.status === "succeeded" ? 0 : 1;
}

export async function resultsCommand(values: Record<string, string | undefined>, id: string, io: ApiIo): Promise<void> {
  for await (const r of clientFrom(values, io.env).results(id, { pageSize: Number(values["page-size"] ?? 1000) })) io.out(JSON.stringify(r));
}

export async function cancelCommand(values: Record<string, string | undefined>, id: string, io: ApiIo): Promise<void> {
  const j = await clientFrom(values, io.env).cancel(id);
  io.out(`Job ${j.id} ${j.status}`);
}

/** Loads `handlers` (or a default export of them) from a module and leases work until SIGTERM. */
export async function workerCommand(values: Record<string, string | undefined>, io: ApiIo): Promise<number> {
  const mod = values.module;
  if (!mod) throw usageError("--module <path> is required (a module exporting `handlers`)");
  const file = path.resolve(mod);
  if (!fs.existsSync(file)) throw new CliError(`no such module: ${mod}`);
  const m = (await import(pathToFileURL(file).href)) as { handlers?: Record<string, Handler>; default?: unknown };
  const handlers = m.handlers ?? ((m.default as { handlers?: Record<string, Handler> })?.handlers ?? m.default);
  if (!handlers || typeof handlers !== "object" || !Object.values(handlers).length || !Object.values(handlers).every((h) => typeof h === "function")) {
    throw new CliError(`${mod} must export \`handlers\`: an object of async functions keyed by handler name`);
  }
  const url = values.url ?? io.env.FANOUT_URL;
  const apiKey = values["api-key"] ?? io.env.FANOUT_API_KEY;
  clientFrom(values, io.env); // same checks and messages as the other commands
  const worker = createWorker({
    url: url!,
    apiKey: apiKey!,
    handlers: handlers as Record<string, Handler>,
    concurrency: int(values.concurrency, "concurrency"),
    itemConcurrency: int(values["item-concurrency"], "item-concurrency"),
    visibilityMs: int(values["visibility-ms"], "visibility-ms"),
    workerId: values["worker-id"],
    logger: { info: io.err, warn: io.err, error: io.err },
  });
  await worker.start();
  io.err(`fanout worker ${worker.id}: serving ${Object.keys(handlers).join(", ")} from ${url} (SIGTERM stops gracefully)`);
  // Runs until SIGTERM/SIGINT (the SDK stops gracefully, then exits) or until the API refuses
  // us for good (bad key, missing `workers` scope): then one line and exit status 1.
  const err = await worker.closed;
  if (err) throw new CliError(`worker stopped: ${err.message}`);
  return 0;
}

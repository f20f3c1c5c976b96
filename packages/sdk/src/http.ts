// The one place the SDK talks HTTP: JSON in and out, the API key, and bounded automatic
// retries on 429/503 that honour Retry-After (seconds or an HTTP date), else exponential
// backoff with full jitter. Only fetch: runs on Node 20+, Deno, Bun and browsers.
import { FanoutApiError } from "./errors.js";

export interface HttpOptions {
  url: string;
  apiKey: string;
  /** Retries of a 429/503 answer (default 4). */
  maxRetries?: number;
  /** Longest single wait between retries (default 30 s); a longer Retry-After is an error. */
  maxRetryDelayMs?: number;
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Per-call override (the worker retries on its own). */
  retries?: number;
}

const RETRY_STATUSES = new Set([429, 503]);

export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => (signal?.removeEventListener("abort", onAbort), resolve()), ms);
    const onAbort = () => (clearTimeout(t), reject(signal!.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export class Http {
  readonly base: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly o: HttpOptions) {
    if (!o.url) throw new TypeError("FanoutClient: url is required (e.g. http://localhost:3000)");
    if (!o.apiKey) throw new TypeError("FanoutClient: apiKey is required");
    this.base = o.url.replace(/\/+$/, "");
    this.fetchImpl = o.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async request<T>(method: string, path: string, r: RequestOptions = {}): Promise<{ body: T; headers: Headers; status: number }> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(r.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${this.o.apiKey}`, accept: "application/json", ...r.headers };
    if (this.o.userAgent) headers["user-agent"] = this.o.userAgent;
    const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
    if (payload !== undefined) headers["content-type"] = "application/json";
    const maxRetries = r.retries ?? this.o.maxRetries ?? 4;
    const maxDelay = this.o.maxRetryDelayMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.fetchImpl(url, { method, headers, body: payload, signal: r.signal });
      } catch (err) {
        if (r.signal?.aborted) throw err;
        // Say which server and why (fetch only says "fetch failed"); retry reads, which are safe to repeat.
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const e = new FanoutApiError(0, "network_error", `Could not reach ${url.origin}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
        if (method !== "GET" || attempt >= maxRetries) throw e;
        await sleep(Math.random() * Math.min(maxDelay, 500 * 2 ** attempt), r.signal);
        continue;
      }
      if (res.ok) {
        const text = res.status === 204 ? "" : await res.text();
        return { body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers, status: res.status };
      }
      const err = await toError(res);
      if (!RETRY_STATUSES.has(res.status) || attempt >= maxRetries) throw err;
      const asked = parseRetryAfter(res.headers.get("retry-after"));
      if (asked !== undefined && asked > maxDelay) throw err; // do not hang for minutes silently
      const backoff = Math.random() * Math.min(maxDelay, 500 * 2 ** attempt);
      await sleep(asked ?? backoff, r.signal);
    }
  }
}

async function toError(res: Response): Promise<FanoutApiError> {
  const text = await res.text().catch(() => "");
  let e: { code?: string; message?: string; field?: string } = {};
  try {
    e = (JSON.parse(text) as { error?: typeof e }).error ?? {};
  } catch {
    /* not JSON: a proxy or a crash page */
  }
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  return new FanoutApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? (text.slice(0, 200) || res.statusText), e.field, retryAfter === undefined ? undefined : retryAfter / 1000);
}

import { execFileSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FanoutApiError, FanoutClient, parseRetryAfter } from "../src/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
type Reply = { status: number; headers?: Record<string, string>; body?: unknown };
let replies: Reply[] = [];
let hits: { method: string; url: string; auth?: string; body: string }[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const r = replies.shift() ?? { status: 200, body: { ok: true } };
      res.writeHead(r.status, { "content-type": "application/json", ...r.headers }).end(r.body === undefined ? "" : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => void server.close());

const client = (o: Partial<ConstructorParameters<typeof FanoutClient>[0]> = {}) => new FanoutClient({ url, apiKey: "fo_test", ...o });
const reset = (r: Reply[]) => ((replies = r), (hits = []));
const err429 = (retryAfter?: string): Reply => ({ status: 429, headers: retryAfter ? { "retry-after": retryAfter } : {}, body: { error: { code: "submit_rate_exceeded", message: "slow down" } } });

describe("automatic retries", () => {
  it("retries 429 and 503, honouring Retry-After, then succeeds", async () => {
    reset([err429("0"), { status: 503, headers: { "retry-after": "0" }, body: { status: "unavailable" } }, { status: 200, body: { id: "j1" } }]);
    expect(await client().get("j1")).toEqual({ id: "j1" });
    expect(hits.map((h) => h.auth)).toEqual(["Bearer fo_test", "Bearer fo_test", "Bearer fo_test"]);
  });

  it("waits as long as Retry-After says", async () => {
    reset([err429("1"), { status: 200, body: {} }]);
    const t0 = Date.now();
    await client().get("j1");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it("is bounded: gives up after maxRetries, and at once when Retry-After exceeds maxRetryDelayMs", async () => {
    reset([err429(), err429(), err429()]);
    const e = await client({ maxRetries: 2 }).get("j1").catch((x) => x);
    expect(e).toBeInstanceOf(FanoutApiError);
    expect([e.status, e.code, hits.length]).toEqual([429, "submit_rate_exceeded", 3]);
    reset([err429("3600")]);
    const long = await client().get("j1").catch((x) => x);
    expect([long.retryAfter, hits.length]).toEqual([3600, 1]);
  });

  it("does not retry other errors, and keeps the contract's code and field", async () => {
    reset([{ status: 400, body: { error: { code: "invalid_field", message: "priority: too high", field: "priority" } } }]);
    const e = await client().listPage().catch((x) => x);
    expect([e.status, e.code, e.field, e.message, hits.length]).toEqual([400, "invalid_field", "priority", "priority: too high", 1]);
  });
});

describe("submit", () => {
  it("validates locally with the server's schema (no request) and sends the idempotency key", async () => {
    reset([]);
    const bad = await client().submit({ handler: "echo", input: { items: [] } }).catch((x) => x);
    expect([bad.status, bad.field, hits.length]).toEqual([400, "input.items", 0]);
    reset([{ status: 201, headers: { ratelimit: '"submit";r=9;t=1' }, body: { id: "j2", status: "queued" } }]);
    const job = await client().submit({ handler: "echo", input: { range: { from: 0, to: 3 } } }, { idempotencyKey: "k-1" });
    expect(job).toMatchObject({ id: "j2", created: true, rateLimit: '"submit";r=9;t=1' });
    expect(JSON.parse(hits[0]!.body)).toEqual({ handler: "echo", input: { range: { from: 0, to: 3 } } });
  });

  it("pages through list() lazily", async () => {
    reset([{ status: 200, body: { data: [{ id: "a" }, { id: "b" }], nextCursor: "c1" } }, { status: 200, body: { data: [{ id: "c" }], nextCursor: null } }]);
    const ids = [];
    for await (const j of client().list({ status: "succeeded", pageSize: 2 })) ids.push(j.id);
    expect(ids).toEqual(["a", "b", "c"]);
    expect(hits.map((h) => h.url)).toEqual(["/api/v1/jobs?status=succeeded&limit=2", "/api/v1/jobs?status=succeeded&limit=2&cursor=c1"]);
  });
});

it("parses Retry-After as seconds or an HTTP date", () => {
  expect(parseRetryAfter("2")).toBe(2000);
  expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())! / 1000).toBeGreaterThan(3);
  expect(parseRetryAfter("soon")).toBeUndefined();
});

it("vendored schemas match @fanout/validators (run npm run sync-schemas -w packages/sdk when this fails)", () => {
  expect(() => execFileSync(process.execPath, [path.join(here, "../scripts/sync-schemas.mjs"), "--check"], { stdio: "pipe" })).not.toThrow();
});

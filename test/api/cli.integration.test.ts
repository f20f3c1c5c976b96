// The `fanout` binary's tenant commands against a real API over HTTP: submit an NDJSON
// file, watch a live progress bar while the job runs, stream results as NDJSON, cancel,
// and run a remote worker from a module.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FanoutClient } from "@fanout/sdk";
import { startApi, waitFor, type ApiHarness } from "./support";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "node_modules", ".bin", "fanout");
let api: ApiHarness;
let env: Record<string, string>;
let dir: string;
let tenantId: string;

function fanout(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(BIN, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

beforeAll(async () => {
  api = await startApi({ builtinWorkers: 1 });
  const t = await api.tenant("cli");
  env = { FANOUT_URL: api.url, FANOUT_API_KEY: t.key };
  tenantId = t.id;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "fanout-cli-"));
});

afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await api?.close();
});

it("submits an NDJSON file, watches a live progress bar to the end, and streams results as NDJSON", async () => {
  const file = path.join(dir, "items.ndjson");
  fs.writeFileSync(file, Array.from({ length: 1500 }, () => "4").join("\n") + "\n");
  const sub = await fanout(["submit", "--handler", "sleep", file, "--chunk-size", "15", "--name", "cli-test"]);
  expect(sub).toMatchObject({ code: 0, stderr: "" });
  const id = sub.stdout.trim();
  expect(id).toMatch(/^[0-9a-f-]{36}$/);

  const watch = await fanout(["watch", id, "--interval", "150"]);
  expect(watch.code).toBe(0);
  const lines = watch.stdout.trim().split("\n");
  expect(lines.at(-1)).toBe(`Job ${id} succeeded`);
  const bars = lines.filter((l) => /^\[[█░]{30}\] +\d+% \d+\/1500 /.test(l));
  // Progress was shown while it ran, not only at the end.
  expect(bars.some((l) => / (?:[1-9]|[1-9]\d)% /.test(l) && l.endsWith("running"))).toBe(true);
  expect(bars.at(-1)).toMatch(/^\[█{30}\] 100% 1500\/1500 ok 1500 failed 0 dead 0 .* succeeded$/);

  const res = await fanout(["results", id]);
  expect(res.code).toBe(0);
  const rows = res.stdout.trim().split("\n").map((l) => JSON.parse(l));
  expect(rows).toHaveLength(1500);
  rows.forEach((r, i) => expect(r).toEqual({ index: i, status: "succeeded", output: 4 }));
}, 120_000);

it("takes a JSON array on stdin or a range, cancels, and reports API errors on one line", async () => {
  const echo = await fanout(["submit", "--handler", "echo", "-"], JSON.stringify(["a", { b: 1 }]));
  expect(echo.code).toBe(0);
  const client = new FanoutClient({ url: api.url, apiKey: env.FANOUT_API_KEY! });
  await client.waitUntilDone(echo.stdout.trim());
  expect((await fanout(["results", echo.stdout.trim()])).stdout).toBe('{"index":0,"status":"succeeded","output":"a"}\n{"index":1,"status":"succeeded","output":{"b":1}}\n');

  const slow = await fanout(["submit", "--handler", "sleep", "--range", "1000:1100", "--chunk-size", "1"]);
  const cancelled = await fanout(["cancel", slow.stdout.trim()]);
  expect(cancelled).toMatchObject({ code: 0, stdout: `Job ${slow.stdout.trim()} cancelled\n` });

  const bad = await fanout(["submit", "--handler", "nope", "--range", "0:3"]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^fanout: Unknown handler "nope"/);
  expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  const noKey = await fanout(["watch", slow.stdout.trim(), "--api-key", "fo_bad_key"]);
  expect([noKey.code, noKey.stderr.trim()]).toEqual([1, "fanout: The API key is invalid, expired or revoked."]);
});

it("runs a remote worker from a module until SIGTERM", async () => {
  const client = new FanoutClient({ url: api.url, apiKey: env.FANOUT_API_KEY! });
  await client.handlers.register({ name: "url-status" });
  const module = path.join(ROOT, "packages/sdk/examples/url-status-worker/worker.ts");
  const child = spawn(BIN, ["worker", "--module", module, "--concurrency", "2", "--worker-id", "cli-worker"], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c) => (stderr += c));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const job = await client.submit({ handler: "url-status", input: { items: [`${api.url}/api/v1/openapi.json`, `${api.url}/api/v1/nope`] } });
  const done = await client.waitUntilDone(job.id, { timeoutMs: 30_000 });
  expect(done.status).toBe("succeeded");
  const out = [];
  for await (const r of client.results(job.id)) out.push(r.output);
  expect(out).toMatchObject([{ status: 200, bytes: expect.any(Number) }, { status: 404 }]); // an unknown route is 404 before auth
  await waitFor(async () => stderr, (s) => s.includes("serving url-status"), 10_000);
  child.kill("SIGTERM");
  expect(await exited).toBe(0);

  // A key without the workers scope is refused for good: one line, exit 1 (no retry loop).
  const readOnly = await api.key(tenantId, ["jobs:read"]);
  const refused = await fanout(["worker", "--module", module, "--api-key", readOnly]);
  expect(refused.code).toBe(1);
  expect(refused.stderr.trim().split("\n").at(-1)).toBe("fanout: worker stopped: This API key lacks the 'workers' scope needed for this request.");
}, 60_000);

it("lets an operator (not a tenant) allow private callbacks, audited", async () => {
  const t = await api.tenant("onprem");
  const slug = "onprem";
  const run = (v: string) => fanout(["tenant", "private-callbacks", slug, v]);
  env.DATABASE_URL = api.db.url;
  try {
    expect(await run("on")).toMatchObject({ code: 0, stdout: "Private callbacks for onprem: allowed\n" });
    expect((await api.db.prisma.tenant.findUniqueOrThrow({ where: { id: t.id } })).allowPrivateCallbacks).toBe(true);
    expect((await run("maybe")).code).toBe(2);
    expect(await run("off")).toMatchObject({ code: 0, stdout: "Private callbacks for onprem: refused\n" });
    const rows = await api.db.prisma.auditLog.findMany({ where: { tenantId: t.id, action: "tenant.private_callbacks" }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.details)).toEqual([{ from: false, to: true }, { from: true, to: false }]);
  } finally {
    delete env.DATABASE_URL;
  }
});

// Completion webhooks end to end: jobs submitted over REST with a callbackUrl finish on a
// real worker; two dispatchers race over the outbox; a local receiver gets exactly one
// correctly signed delivery per finished job, and a delivery it failed once is retried.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FanoutClient, verifyWebhookSignature } from "@fanout/sdk";
import { createWebhookDispatcher, DEFAULT_MAX_ATTEMPTS, type WebhookDispatcher } from "@fanout/webhooks";
import { quiet, SECRET_KEY, startApi, waitFor, type ApiHarness } from "./support";

let api: ApiHarness;
let receiver: http.Server;
let hookUrl: string;
const received: { path: string; body: string; signature: string; delivery: string }[] = [];
const failOnce = new Set<string>(); // paths answered 500 the first time
const dispatchers: WebhookDispatcher[] = [];

beforeAll(async () => {
  api = await startApi({ builtinWorkers: 1 });
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (failOnce.delete(req.url!)) return void res.writeHead(500).end("try again");
      received.push({ path: req.url!, body, signature: String(req.headers["fanout-signature"]), delivery: String(req.headers["fanout-delivery"]) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // Two dispatchers over one outbox: SKIP LOCKED must still deliver each row once.
  for (let i = 0; i < 2; i++) {
    const d = createWebhookDispatcher({ prisma: api.db.prisma, logger: quiet, secretKey: SECRET_KEY, renderJob: (t, j) => api.engine.getJob(t, j), baseDelayMs: 200, pollMs: 100 });
    d.start();
    dispatchers.push(d);
  }
});

afterAll(async () => {
  await Promise.all(dispatchers.map((d) => d.close()));
  receiver?.close();
  await api?.close();
});

it("delivers exactly one signed job.finished per finished job, and retries a failed delivery", async () => {
  const t = await api.tenant("hooks", ["jobs:read", "jobs:write"], { allowPrivateCallbacks: true });
  const client = new FanoutClient({ url: api.url, apiKey: t.key });
  const secret = await client.webhooks.secret();
  failOnce.add("/job-1");
  const jobs = [];
  for (let i = 0; i < 4; i++) {
    const items = i === 3 ? [{ failTimes: -1 }] : ["a", "b", "c"];
    jobs.push(await client.submit({ handler: i === 3 ? "fail" : "sha256", input: { items }, maxAttempts: 1, callbackUrl: `${hookUrl}/job-${i}` }));
  }
  const noHook = await client.submit({ handler: "noop", input: { items: [1] } });
  await waitFor(async () => received.length, (n) => n >= 4, 60_000);
  await client.waitUntilDone(noHook.id);
  await new Promise((r) => setTimeout(r, 1500)); // time for any duplicate to show up

  expect(received.map((r) => r.path).sort()).toEqual(["/job-0", "/job-1", "/job-2", "/job-3"]);
  for (const r of received) {
    expect(await verifyWebhookSignature(secret, r.signature, r.body)).toBe(true);
    const job = JSON.parse(r.body);
    const i = Number(r.path.slice("/job-".length));
    expect(job).toMatchObject({ id: jobs[i]!.id, status: i === 3 ? "failed" : "succeeded", finishedAt: expect.any(String) });
    expect(job.progress).toMatchObject({ total: i === 3 ? 1 : 3, running: 0, queued: 0 });
  }
  const log = await client.webhooks.deliveries();
  expect(log.data).toHaveLength(4);
  expect(log.data.every((d) => d.status === "delivered" && d.lastStatus === 204 && d.event === "job.finished")).toBe(true);
  const retried = log.data.find((d) => d.jobId === jobs[1]!.id)!;
  expect(retried).toMatchObject({ attempts: 2, lastError: null });
  expect(log.data.filter((d) => d.jobId !== jobs[1]!.id).every((d) => d.attempts === 1)).toBe(true);
});

it("refuses to deliver to a private address once the tenant is no longer allowed, and gives up after maxAttempts", async () => {
  const t = await api.tenant("revoked", ["jobs:read", "jobs:write"], { allowPrivateCallbacks: true });
  const client = new FanoutClient({ url: api.url, apiKey: t.key });
  const job = await client.submit({ handler: "noop", input: { items: [1] }, callbackUrl: `${hookUrl}/revoked` });
  await api.db.prisma.tenant.update({ where: { id: t.id }, data: { allowPrivateCallbacks: false } });
  await client.waitUntilDone(job.id);
  const row = await waitFor(() => api.db.prisma.webhookDelivery.findFirstOrThrow({ where: { jobId: job.id } }), (d) => d.attempts >= 2, 30_000);
  expect(row.deliveredAt).toBeNull();
  expect(row.lastError).toMatch(/non-public address 127\.0\.0\.1/);
  expect(received.some((r) => r.path === "/revoked")).toBe(false);
  // The last allowed attempt fails too: the delivery is marked failed and never claimed again.
  await Promise.all(dispatchers.map((d) => d.close()));
  const last = createWebhookDispatcher({ prisma: api.db.prisma, logger: quiet, secretKey: SECRET_KEY, renderJob: (a, b) => api.engine.getJob(a, b) });
  await api.db.prisma.webhookDelivery.update({ where: { id: row.id }, data: { attempts: DEFAULT_MAX_ATTEMPTS - 1, nextAttemptAt: new Date(0) } });
  expect(await last.runOnce()).toBe(1);
  await api.db.prisma.webhookDelivery.update({ where: { id: row.id }, data: { nextAttemptAt: new Date(0) } });
  expect(await last.runOnce()).toBe(0);
  const page = await client.webhooks.deliveries({ jobId: job.id });
  expect(page.data[0]).toMatchObject({ status: "failed", attempts: DEFAULT_MAX_ATTEMPTS, nextAttemptAt: null, lastError: expect.stringMatching(/non-public/) });
});

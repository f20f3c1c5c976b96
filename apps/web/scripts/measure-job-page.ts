// Measures the job page for a 100,000-task job: time to first byte and payload of the
// server-rendered page, the first-load JavaScript, the tRPC calls the page makes and the
// first live event. Creates its own test database and Redis prefix, runs the production
// build (`next build` first) with `next start`, and compares against a 10-task job in the
// same run (machines are noisy: the ratio matters more than the milliseconds).
//   npx tsx apps/web/scripts/measure-job-page.ts [--tasks 100000] [--runs 15]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { Redis } from "ioredis";
import { hashPassword } from "@fanout/auth";
import { createTestDatabase } from "@fanout/db/testing";
import { createEngine } from "@fanout/engine";

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const TASKS = arg("tasks", 100_000);
const RUNS = arg("runs", 15);
const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const silent = { info() {}, warn() {}, error() {}, debug() {} };

const freePort = () => new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, "127.0.0.1", () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.9) - 1)]!;

/** One GET: ms to headers, ms to first body byte, total ms, body bytes (as sent). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; ttfb: number; total: number; bytes: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let ttfb = 0;
    const chunks: Buffer[] = [];
    http.get(url, { headers }, (res) => {
      res.once("data", () => (ttfb = performance.now() - t0));
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, ttfb, total: performance.now() - t0, bytes: body.length, body, headers: res.headers });
      });
    }).on("error", reject);
  });
}

async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST", redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in failed: ${res.status}`);
  return `${cookies}; ${session}`;
}

async function main() {
  const db = await createTestDatabase();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const prefix = `fanout_measure_${randomBytes(4).toString("hex")}`;
  const engine = createEngine({ prisma: db.prisma, redis, logger: silent }, { prefix });
  let web: ReturnType<typeof spawn> | null = null;
  try {
    const tenant = await db.prisma.tenant.create({ data: { slug: "measure", name: "Measure", quota: { create: {} } } });
    const password = randomBytes(12).toString("hex");
    const user = await db.prisma.user.create({ data: { email: "measure@fanout.local", passwordHash: await hashPassword(password) } });
    await db.prisma.membership.create({ data: { userId: user.id, tenantId: tenant.id, role: "owner" } });

    console.error(`[measure] submitting a ${TASKS.toLocaleString()}-task job (range, chunk size 1) and a 10-task one…`);
    const big = (await engine.submitJob(tenant.id, { handler: "noop", name: "big", input: { range: { from: 0, to: TASKS } }, chunkSize: 1 })).job;
    const small = (await engine.submitJob(tenant.id, { handler: "noop", name: "small", input: { range: { from: 0, to: 10 } }, chunkSize: 1 })).job;
    // Half of the big job finished over the last two minutes, with results: a job mid-run.
    const half = Math.floor(TASKS / 2);
    await db.prisma.$executeRawUnsafe(
      `UPDATE tasks SET status = 'done', attempt = 1, "workerId" = 'worker-measure',
         "startedAt" = now() - make_interval(secs => 120 - seq * 120.0 / $2), "finishedAt" = now() - make_interval(secs => 119.9 - seq * 120.0 / $2)
       WHERE "jobId" = $1::uuid AND seq < $2`, big.id, half);
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO task_results ("jobId", seq, attempt, "tenantId", indexes, outputs)
       SELECT $1::uuid, s, 1, $2::uuid, '{}', jsonb_build_array(s) FROM generate_series(0, $3 - 1) s`, big.id, tenant.id, half);
    await db.prisma.$executeRawUnsafe(
      `UPDATE jobs SET status = 'running', "startedAt" = now() - interval '120 seconds', "itemsSucceeded" = $2, "tasksDone" = $2 WHERE id = $1::uuid`, big.id, half);
    await db.prisma.$executeRawUnsafe(`ANALYZE tasks; ANALYZE task_results`).catch(() => {});

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    web = spawn(path.join(WEB, "../../node_modules/.bin/next"), ["start", "-p", String(port)], {
      cwd: WEB, stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, NODE_ENV: "production", DATABASE_URL: db.url, REDIS_URL, FANOUT_QUEUE_PREFIX: prefix, NEXTAUTH_URL: base,
        NEXTAUTH_SECRET: randomBytes(24).toString("hex"), FANOUT_SECRET_KEY: randomBytes(24).toString("hex"), NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn" },
    });
    for (let i = 0; ; i++) {
      if ((await fetch(`${base}/api/health`).then((r) => r.status, () => 0)) === 200) break;
      if (i > 240) throw new Error("next start did not become healthy");
      await new Promise((r) => setTimeout(r, 500));
    }
    const cookie = await signIn(base, user.email, password);

    const measure = async (jobId: string) => {
      const plain: Awaited<ReturnType<typeof get>>[] = [];
      for (let i = 0; i < RUNS + 2; i++) {
        const r = await get(`${base}/jobs/${jobId}`, { cookie });
        if (r.status !== 200) throw new Error(`GET /jobs/${jobId} answered ${r.status}`);
        if (i >= 2) plain.push(r); // two warm-ups
      }
      const gz = await get(`${base}/jobs/${jobId}`, { cookie, "accept-encoding": "gzip" });
      const rpc = async (proc: string, input: unknown) => {
        const times: number[] = [];
        let bytes = 0;
        for (let i = 0; i < 5; i++) {
          const r = await get(`${base}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { cookie });
          if (r.status !== 200) throw new Error(`${proc} answered ${r.status}: ${r.body.toString().slice(0, 200)}`);
          times.push(r.total);
          bytes = r.bytes;
        }
        return { ms: median(times), bytes };
      };
      const calls = {
        "jobs.stats": await rpc("jobs.stats", { id: jobId }),
        "jobs.results (50)": await rpc("jobs.results", { id: jobId, limit: 50 }),
        "jobs.tasks (25)": await rpc("jobs.tasks", { id: jobId, limit: 25 }),
      };
      const t0 = performance.now();
      const sse = await new Promise<number>((resolve, reject) => {
        const req = http.get(`${base}/api/jobs/${jobId}/events`, { headers: { cookie } }, (res) => {
          res.on("data", (c: Buffer) => { if (c.toString().includes("event: job")) { resolve(performance.now() - t0); req.destroy(); } });
        });
        req.on("error", (e) => (e.message.includes("socket hang up") ? undefined : reject(e)));
      });
      return { plain, gz, calls, sse, html: plain[0]!.body.toString() };
    };

    const results = { big: await measure(big.id), small: await measure(small.id) };
    // First-load JavaScript of the job page: every script the HTML references, gzipped.
    const scripts = [...new Set([...results.big.html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!))];
    let js = 0;
    let jsGz = 0;
    for (const s of scripts) {
      const r = await get(`${base}${s}`, {});
      js += r.bytes;
      jsGz += gzipSync(r.body).length;
    }
    const row = (name: string, m: (typeof results)["big"]) =>
      `| ${name} | ${median(m.plain.map((r) => r.ttfb)).toFixed(1)} | ${p90(m.plain.map((r) => r.ttfb)).toFixed(1)} | ${median(m.plain.map((r) => r.total)).toFixed(1)} | ${(m.plain[0]!.bytes / 1024).toFixed(1)} | ${(m.gz.bytes / 1024).toFixed(1)} | ${m.calls["jobs.stats"].ms.toFixed(1)} | ${m.calls["jobs.results (50)"].ms.toFixed(1)} | ${m.calls["jobs.tasks (25)"].ms.toFixed(1)} | ${m.sse.toFixed(1)} |`;
    console.log(`\nJob page, ${RUNS} runs after 2 warm-ups, median (p90) on this machine; production build via next start.\n`);
    console.log("| job | TTFB ms | TTFB p90 | full HTML ms | HTML KiB | HTML gzip KiB | stats ms | results ms | tasks ms | first SSE event ms |");
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    console.log(row(`${TASKS.toLocaleString("en-US")} tasks (half done)`, results.big));
    console.log(row("10 tasks", results.small));
    const ratio = median(results.big.plain.map((r) => r.ttfb)) / median(results.small.plain.map((r) => r.ttfb));
    console.log(`\nTTFB ratio big/small: ${ratio.toFixed(2)}. First-load JS: ${scripts.length} scripts, ${(js / 1024).toFixed(0)} KiB (${(jsGz / 1024).toFixed(0)} KiB gzip); recharts is loaded after first paint.`);
    console.log(`Response sizes: stats ${results.big.calls["jobs.stats"].bytes} B, results ${results.big.calls["jobs.results (50)"].bytes} B, tasks ${results.big.calls["jobs.tasks (25)"].bytes} B.`);
  } finally {
    web?.kill("SIGTERM");
    await engine.close().catch(() => {});
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `*${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
    redis.disconnect();
    await db.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

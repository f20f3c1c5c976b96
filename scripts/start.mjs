#!/usr/bin/env node
// `npm start`: brings the whole system up in the foreground (services, migrations, demo seed,
// web build, web + scheduler + workers) and prints the three CONTRACT lines once it serves.
// Its building blocks are exported for the e2e global setup, so both boot the same way.
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, ensureServices, ServiceError, tcpOpen } from "./services.mjs";
import { Supervisor, onParentExit } from "./lib/procs.mjs";
import { bundleApp } from "./lib/bundle.mjs";

export { ROOT };
const BIN = path.join(ROOT, "node_modules", ".bin");
const WEB = path.join(ROOT, "apps", "web");
const DATA = path.join(ROOT, ".data");

/** The environment every step and service shares; telemetry off because the network is closed. */
export function baseEnv(extra = {}) {
  return { ...process.env, NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1",
    CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1", FANOUT_SECRET_KEY: webhookKey(), ...extra };
}

/**
 * A stable FANOUT_SECRET_KEY per checkout (production requires one): it encrypts tenants'
 * webhook signing secrets, so a new key on every start would make the stored ones unreadable.
 */
function webhookKey() {
  if (process.env.FANOUT_SECRET_KEY) return process.env.FANOUT_SECRET_KEY;
  const file = path.join(ROOT, ".data", "fanout-secret-key");
  if (!fs.existsSync(file)) { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 }); }
  return fs.readFileSync(file, "utf8").trim();
}

/** `npm ci` on a fresh clone, or when package-lock.json changed since the last install (a pull). */
export async function ensureDeps(sup) {
  const installed = path.join(ROOT, "node_modules", ".package-lock.json"); // npm rewrites it on every install
  const lock = path.join(ROOT, "package-lock.json");
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  console.log("[start] installing dependencies (npm ci)");
  await sup.run("npm-ci", "npm", ["ci", "--no-audit", "--no-fund"], { cwd: ROOT, env: baseEnv() });
}

export async function generate(sup) {
  await sup.run("generate", "npm", ["run", "--silent", "generate"], { cwd: ROOT, env: baseEnv() });
}

/** Applies migrations and seeds the demo data; returns { adminEmail, adminPassword, apiKey }. */
export async function setupDatabase(sup, databaseUrl) {
  const out = await sup.run("db-setup", path.join(BIN, "tsx"), [path.join(ROOT, "scripts", "db-setup.ts")],
    { cwd: ROOT, env: baseEnv({ DATABASE_URL: databaseUrl }), capture: true, echo: "problems" });
  const last = out.trim().split("\n").pop() ?? "";
  try { return JSON.parse(last); } catch { throw new Error(`db-setup printed no credentials (last line: ${last})`); }
}

// Content hash of everything the web build reads; equal hash + existing build = skip the
// 1-3 minute `next build`. Content, not mtimes: `generate` rewrites identical files each run.
function webSourcesHash() {
  const h = crypto.createHash("sha256");
  const skip = new Set(["node_modules", ".next", ".turbo", "dist", "coverage"]);
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (skip.has(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) h.update(path.relative(ROOT, p)).update("\0").update(fs.readFileSync(p)).update("\0");
    }
  };
  for (const d of ["apps/web", "packages"]) walk(path.join(ROOT, d));
  for (const f of ["package-lock.json", "prisma/schema.prisma", "tsconfig.base.json"]) {
    if (fs.existsSync(path.join(ROOT, f))) h.update(f).update(fs.readFileSync(path.join(ROOT, f)));
  }
  return h.digest("hex");
}

/** Builds the web app unless the last build came from the same sources. */
export async function buildWeb(sup, { force = process.env.FANOUT_REBUILD === "1" } = {}) {
  const stamp = path.join(DATA, "web-build.sha256");
  const hash = webSourcesHash();
  const built = fs.existsSync(path.join(WEB, ".next", "BUILD_ID"));
  if (!force && built && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) {
    console.log("[build] web sources unchanged since the last build; skipping next build (FANOUT_REBUILD=1 forces it)");
    return;
  }
  console.log("[build] building the web app (takes a few minutes on 2 cores)");
  // --env-mode=loose: turbo 2 otherwise hides env vars not declared in turbo.json from the build.
  await sup.run("build", path.join(BIN, "turbo"), ["run", "build", "--filter=@fanout/web", "--env-mode=loose", "--output-logs=errors-only"],
    { cwd: ROOT, env: baseEnv({ NODE_ENV: "production" }) });
  fs.mkdirSync(DATA, { recursive: true });
  fs.writeFileSync(stamp, hash);
}

/** A port nobody listens on right now (for tests; `npm start` uses PORT). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once("error", reject).listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** A stable next-auth secret per checkout, so dashboard sessions survive restarts. */
export function authSecret() {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const file = path.join(DATA, "nextauth-secret");
  if (!fs.existsSync(file)) { fs.mkdirSync(DATA, { recursive: true }); fs.writeFileSync(file, crypto.randomBytes(32).toString("base64url"), { mode: 0o600 }); }
  return fs.readFileSync(file, "utf8").trim();
}

async function waitForHealth(url, sup, timeoutMs) {
  const end = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < end) {
    if (sup.stopping) throw new Error("stopped while waiting for the web app");
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.status === 200) return;
      last = `${r.status} ${await r.text().catch(() => "")}`.slice(0, 300);
    } catch (e) { last = e.cause?.code ?? e.message; }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s (last: ${last})`);
}

/**
 * Starts web, one scheduler and `workers` workers against prepared services and a migrated
 * database, and resolves once /api/health answers 200. onCrash(name, code) fires if one dies.
 */
export async function startSystem(sup, { port, databaseUrl, redisUrl, queuePrefix, workers = 2, env = {}, onCrash, metricsPort = 0 }) {
  const baseURL = `http://localhost:${port}`;
  const common = baseEnv({ NODE_ENV: "production", DATABASE_URL: databaseUrl, REDIS_URL: redisUrl,
    NEXTAUTH_URL: baseURL, NEXTAUTH_SECRET: authSecret(), ...(queuePrefix ? { FANOUT_QUEUE_PREFIX: queuePrefix } : {}), ...env });
  // Scheduler and workers run bundled JS under plain node (see lib/bundle.mjs), rebuilt each start.
  const [scheduler, worker] = await Promise.all([bundleApp("scheduler"), bundleApp("worker")]);
  // apps/web/server.ts: Next for pages and tRPC, /api/v1 straight to the REST handler (no framework per request).
  sup.service("web", process.execPath, ["--import", "tsx", path.join(WEB, "server.ts")], { cwd: WEB, env: { ...common, PORT: String(port) }, onExit: onCrash });
  // Ops ports (/metrics, /healthz, /readyz): scheduler on metricsPort, worker i on metricsPort + i.
  const ops = (i) => ({ METRICS_PORT: String(metricsPort ? metricsPort + i : 0) });
  sup.service("scheduler", process.execPath, [scheduler], { cwd: ROOT, env: { ...common, ...ops(0), SCHEDULER_ID: `scheduler-${process.pid}` }, onExit: onCrash });
  for (let i = 1; i <= workers; i++) {
    sup.service(`worker-${i}`, process.execPath, [worker], { cwd: ROOT, env: { ...common, ...ops(i), WORKER_ID: `worker-${i}-${process.pid}` }, onExit: onCrash });
  }
  await waitForHealth(`http://127.0.0.1:${port}/api/health`, sup, Number(process.env.FANOUT_START_TIMEOUT_MS ?? 120_000));
  return { baseURL };
}

async function main() {
  const port = Number(process.env.PORT ?? 3000);
  const sup = new Supervisor({ logDir: path.join(DATA, "logs"), echo: process.env.FANOUT_LOGS === "all" ? "all" : "problems" });
  let exitCode = 0;
  const stop = async (code) => {
    if (sup.stopping) return;
    exitCode = code;
    if (sup.children.size) console.log("\n[start] stopping…");
    await sup.stopAll();
    process.exit(exitCode);
  };
  // A second Ctrl-C while stopping kills at once.
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, () => (sup.stopping ? process.exit(130) : stop(0)));
  onParentExit(() => stop(0));

  try {
    // Fail before the slow steps rather than after a build.
    if (await tcpOpen("127.0.0.1", port)) throw new Error(`port ${port} is already in use; stop what runs there or set PORT`);
    await ensureDeps(sup);
    const { databaseUrl, redisUrl } = await ensureServices({ log: (m) => console.log(`[services] ${m}`) });
    await generate(sup);
    const creds = await setupDatabase(sup, databaseUrl);
    await buildWeb(sup);
    const { baseURL } = await startSystem(sup, { port, databaseUrl, redisUrl, queuePrefix: process.env.FANOUT_QUEUE_PREFIX,
      workers: Number(process.env.FANOUT_WORKERS ?? 2), metricsPort: Number(process.env.FANOUT_METRICS_PORT ?? 9464),
      onCrash: (name, code) => { console.error(`[start] ${name} exited (${code}); last lines of .data/logs/${name}.log:\n${sup.tail(name)}`); stop(1); } });
    console.log(["", `Fanout is running at ${baseURL}`, `Admin login: ${creds.adminEmail} / ${creds.adminPassword}`, `Demo API key: ${creds.apiKey}`, ""].join("\n"));
    console.log(`[start] logs: .data/logs/{web,scheduler,worker-N}.log (FANOUT_LOGS=all echoes them here). Ctrl-C stops everything.`);
    console.log(`[start] metrics: ${baseURL}/metrics (web), :${Number(process.env.FANOUT_METRICS_PORT ?? 9464)}/metrics (scheduler), +1, +2… (workers)`);
  } catch (e) {
    if (sup.stopping) return;
    console.error(`[start] ${e instanceof ServiceError ? e.message : e.message ?? e}`);
    await stop(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) main();

#!/usr/bin/env node
// Makes sure Postgres and Redis answer at DATABASE_URL / REDIS_URL, starting them when they
// do not (docker compose, the machine's own cluster, or local binaries under .data/), and
// creates the target database. Pure Node on purpose: it runs before anything is built.
//   node scripts/services.mjs           ensure both, print the URLs
//   node scripts/services.mjs --check   only report, start nothing
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/fanout";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
const DATA = path.join(ROOT, ".data");
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export class ServiceError extends Error {}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: "utf8", ...opts });
const which = (bin) => {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, bin);
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch {}
  }
  return null;
};

/** Resolves when something accepts TCP connections on host:port. */
export function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ host: host.replace(/^\[|\]$/g, ""), port });
    const done = (ok) => { s.destroy(); resolve(ok); };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true)).once("error", () => done(false));
  });
}

async function waitFor(what, fn, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) { if (await fn()) return; await sleep(250); }
  throw new ServiceError(`${what} did not come up within ${timeoutMs / 1000}s`);
}

// ---- Redis: a few RESP commands over a raw socket (no client library needed) ----
/** Runs RESP commands in order on one connection; resolves with their replies (errors as Error). */
export function redisCommands(url, commands, timeoutMs = 3000) {
  const u = new URL(url);
  const auth = u.password ? [[...(u.username ? [decodeURIComponent(u.username)] : []), decodeURIComponent(u.password)]] : [];
  const db = u.pathname.length > 1 ? [["SELECT", u.pathname.slice(1)]] : [];
  const all = [...auth.map((a) => ["AUTH", ...a]), ...db, ...commands];
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port || 6379) });
    let buf = Buffer.alloc(0);
    const replies = [];
    s.setTimeout(timeoutMs, () => { s.destroy(); reject(new ServiceError(`Redis at ${u.host} did not answer`)); });
    s.once("error", reject);
    s.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (let r; (r = parseResp(buf, 0)); ) { replies.push(r.value); buf = buf.subarray(r.end); }
      if (replies.length === all.length) { s.end(); resolve(replies.slice(all.length - commands.length)); }
    });
    s.write(all.map((c) => `*${c.length}\r\n` + c.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join("")).join(""));
  });
}

function parseResp(buf, i) {
  const nl = buf.indexOf("\r\n", i);
  if (nl < 0) return null;
  const type = String.fromCharCode(buf[i]);
  const line = buf.toString("utf8", i + 1, nl);
  if (type === "+") return { value: line, end: nl + 2 };
  if (type === "-") return { value: new Error(line), end: nl + 2 };
  if (type === ":") return { value: Number(line), end: nl + 2 };
  if (type === "$") {
    const n = Number(line);
    if (n < 0) return { value: null, end: nl + 2 };
    if (buf.length < nl + 2 + n + 2) return null;
    return { value: buf.toString("utf8", nl + 2, nl + 2 + n), end: nl + 2 + n + 2 };
  }
  if (type === "*") {
    const n = Number(line);
    const out = [];
    let end = nl + 2;
    for (let k = 0; k < n; k++) { const r = parseResp(buf, end); if (!r) return null; out.push(r.value); end = r.end; }
    return { value: n < 0 ? null : out, end };
  }
  throw new ServiceError(`unexpected Redis reply type ${type}`);
}

async function redisPolicy(url) {
  const [pong, cfg] = await redisCommands(url, [["PING"], ["CONFIG", "GET", "maxmemory-policy"]]);
  if (pong instanceof Error) throw new ServiceError(`Redis at ${new URL(url).host} refused PING: ${pong.message}`);
  // Managed Redis often disables CONFIG; then we cannot check and trust the operator.
  return Array.isArray(cfg) ? cfg[1] : null;
}

/** Deletes keys matching a glob (e.g. an e2e queue prefix) without touching anything else. */
export async function deleteRedisKeys(url, pattern) {
  let cursor = "0", deleted = 0;
  do {
    const [[next, keys]] = await redisCommands(url, [["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"]]);
    cursor = next;
    if (keys.length) deleted += (await redisCommands(url, [["UNLINK", ...keys]]))[0];
  } while (cursor !== "0");
  return deleted;
}

// ---- Postgres ----
async function pgClient(url) {
  const { default: pg } = await import("pg");
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  return c;
}
const adminUrl = (url) => { const u = new URL(url); u.pathname = "/postgres"; return u.toString(); };
const dbName = (url) => decodeURIComponent(new URL(url).pathname.slice(1)) || "postgres";

/** Creates the URL's database if it is missing (races with another creator are fine). */
export async function createDatabase(url) {
  const c = await pgClient(adminUrl(url));
  try {
    const name = dbName(url);
    const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e) => { if (e.code !== "42P04") throw e; });
    return !rowCount;
  } finally { await c.end(); }
}

/** Drops the URL's database; only call it on databases this process created. */
export async function dropDatabase(url) {
  const c = await pgClient(adminUrl(url));
  try { await c.query(`DROP DATABASE IF EXISTS "${dbName(url).replace(/"/g, '""')}" WITH (FORCE)`); } finally { await c.end(); }
}

async function pgAnswers(url) {
  try { const c = await pgClient(adminUrl(url)); await c.query("SELECT 1"); await c.end(); return true; } catch { return false; }
}

// ---- ways to start them ----
function dockerAvailable() {
  return which("docker") && run("docker", ["info"], { stdio: "ignore", timeout: 15_000 }).status === 0
    && run("docker", ["compose", "version"], { stdio: "ignore" }).status === 0;
}

function isDefaultPg(u) { return LOCAL_HOSTS.has(u.hostname) && (u.port || "5432") === "5432"; }

function pgBinDir() {
  if (which("initdb") && which("pg_ctl")) return path.dirname(fs.realpathSync(which("initdb")));
  const base = "/usr/lib/postgresql";
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (fs.existsSync(path.join(base, v, "bin", "pg_ctl"))) return path.join(base, v, "bin");
  return null;
}

/** Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root). */
function asPostgres(cmd, args) {
  if (process.getuid?.() !== 0) return run(cmd, args);
  const quoted = [cmd, ...args].map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(" ");
  return run(which("runuser") ? "runuser" : "su", which("runuser") ? ["-u", "postgres", "--", "sh", "-c", quoted] : ["postgres", "-s", "/bin/sh", "-c", quoted]);
}

function startLocalPostgres(u, log) {
  const bin = pgBinDir();
  if (!bin) return false;
  const port = u.port || "5432";
  const dir = path.join(DATA, `postgres-${port}`);
  // .data must stay traversable for the postgres user; only the cluster folder is private.
  fs.mkdirSync(DATA, { recursive: true, mode: 0o755 });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) {
    if (run("id", ["postgres"], { stdio: "ignore" }).status !== 0) throw new ServiceError("running as root needs a `postgres` system user to run PostgreSQL (apt-get install postgresql-15 creates it)");
    run("chown", ["-R", "postgres:postgres", dir]);
  }
  const user = decodeURIComponent(u.username || "postgres");
  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
    log(`initialising a PostgreSQL data folder in ${path.relative(ROOT, dir)}`);
    const r = asPostgres(path.join(bin, "initdb"), ["-D", dir, "-U", user, "--auth=trust", "-E", "UTF8", "--locale=C"]);
    if (r.status !== 0) throw new ServiceError(`initdb failed:\n${r.stderr || r.stdout}`);
  }
  log(`starting PostgreSQL from ${bin} on port ${port} (data in ${path.relative(ROOT, dir)})`);
  // No Unix socket: the system cluster may own the default socket folder.
  const r = asPostgres(path.join(bin, "pg_ctl"), ["-D", dir, "-l", path.join(dir, "server.log"), "-w", "-t", "60",
    "-o", `-p ${port} -c listen_addresses=${u.hostname === "localhost" ? "localhost" : "127.0.0.1"} -c unix_socket_directories=''`, "start"]);
  if (r.status !== 0) throw new ServiceError(`pg_ctl start failed (log: ${path.join(dir, "server.log")}):\n${r.stderr || r.stdout}`);
  return true;
}

function startLocalRedis(u, log) {
  if (!which("redis-server")) return false;
  const port = u.port || "6379";
  const dir = path.join(DATA, `redis-${port}`);
  fs.mkdirSync(dir, { recursive: true });
  log(`starting redis-server on port ${port} (data in ${path.relative(ROOT, dir)})`);
  // noeviction: BullMQ loses jobs silently if Redis may evict keys. Postgres is the source of
  // truth, so no persistence is needed here.
  const args = ["--daemonize", "yes", "--bind", "127.0.0.1", "--port", port, "--save", "", "--appendonly", "no",
    "--maxmemory-policy", "noeviction", "--dir", dir, "--logfile", path.join(dir, "redis.log"), "--pidfile", path.join(dir, "redis.pid")];
  if (u.password) args.push("--requirepass", decodeURIComponent(u.password));
  const r = run("redis-server", args);
  if (r.status !== 0) throw new ServiceError(`redis-server failed to start:\n${r.stderr || r.stdout}`);
  return true;
}

const INSTALL_PG = "install PostgreSQL (Debian/Ubuntu: `apt-get install postgresql-15`; macOS: `brew install postgresql@15`), or install Docker, or set DATABASE_URL to a server that is running";
const INSTALL_REDIS = "install Redis (Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`), or install Docker, or set REDIS_URL to a server that is running";

/**
 * Ensures both services answer. Returns the URLs to use (the docker compose Postgres has a
 * password, so a default URL gains it) and what was started.
 */
export async function ensureServices({ databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
  redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL, createDb = true, start = true, log = (m) => console.log(`[services] ${m}`) } = {}) {
  const pgU = new URL(databaseUrl), redisU = new URL(redisUrl);
  const started = [], missing = []; // missing: report every absent service at once
  let pgUp = await tcpOpen(pgU.hostname, Number(pgU.port || 5432));
  let redisUp = await tcpOpen(redisU.hostname, Number(redisU.port || 6379));

  if ((!pgUp || !redisUp) && start && dockerAvailable()) {
    const names = [!pgUp && "postgres", !redisUp && "redis"].filter(Boolean);
    log(`starting ${names.join(" and ")} with docker compose`);
    const r = run("docker", ["compose", "up", "-d", "--wait", ...names], { cwd: ROOT, stdio: "inherit" });
    if (r.status !== 0) throw new ServiceError("`docker compose up -d postgres redis` failed (see above)");
    if (!pgUp && !pgU.password && isDefaultPg(pgU)) pgU.password = process.env.POSTGRES_PASSWORD || "fanout";
    started.push(...names.map((w) => `${w} (docker compose)`));
  } else if (!pgUp && start) {
    if (!LOCAL_HOSTS.has(pgU.hostname)) throw new ServiceError(`PostgreSQL at ${pgU.host} is not reachable, and it is not on this machine, so it cannot be started here`);
    const etc = "/etc/postgresql";
    const versions = fs.existsSync(etc) ? fs.readdirSync(etc).filter((v) => fs.existsSync(path.join(etc, v, "main"))).sort((a, b) => Number(b) - Number(a)) : [];
    if (isDefaultPg(pgU) && which("pg_ctlcluster") && versions.length) {
      log(`starting the machine's PostgreSQL ${versions[0]} cluster`);
      const r = run("pg_ctlcluster", ["--skip-systemctl-redirect", versions[0], "main", "start"]);
      if (r.status !== 0 && !/already running/.test(r.stderr)) throw new ServiceError(`pg_ctlcluster failed:\n${r.stderr}`);
      started.push(`postgres (cluster ${versions[0]}/main)`);
    } else if (startLocalPostgres(pgU, log)) started.push("postgres (.data)");
    else missing.push(`PostgreSQL is not reachable at ${pgU.host} and there is nothing here to start it with: ${INSTALL_PG}.`);
  }
  if (!redisUp && start && !started.some((s) => s.startsWith("redis"))) {
    if (!LOCAL_HOSTS.has(redisU.hostname)) throw new ServiceError(`Redis at ${redisU.host} is not reachable, and it is not on this machine, so it cannot be started here`);
    if (startLocalRedis(redisU, log)) started.push("redis (.data)");
    else missing.push(`Redis is not reachable at ${redisU.host} and redis-server is not installed: ${INSTALL_REDIS}.`);
  }
  if (missing.length) throw new ServiceError(missing.join("\n"));
  if (!start && (!pgUp || !redisUp)) throw new ServiceError(`not reachable: ${[!pgUp && `PostgreSQL at ${pgU.host}`, !redisUp && `Redis at ${redisU.host}`].filter(Boolean).join(", ")}`);

  const finalDb = pgU.toString(), finalRedis = redisU.toString();
  await waitFor(`PostgreSQL at ${pgU.host}`, () => pgAnswers(finalDb));
  await waitFor(`Redis at ${redisU.host}`, () => redisPolicy(finalRedis).then(() => true, () => false));
  const policy = await redisPolicy(finalRedis);
  if (policy !== null && policy !== "noeviction") {
    throw new ServiceError(`Redis at ${redisU.host} has maxmemory-policy "${policy}"; Fanout needs "noeviction" (an evicting Redis silently drops queued work). ` +
      `Fix it with: redis-cli -u ${redisUrl} CONFIG SET maxmemory-policy noeviction (and in redis.conf to keep it).`);
  }
  if (createDb && (await createDatabase(finalDb))) log(`created database "${dbName(finalDb)}"`);
  return { databaseUrl: finalDb, redisUrl: finalRedis, started };
}

// ---- CLI ----
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const check = process.argv.includes("--check");
  ensureServices({ start: !check }).then(
    (r) => {
      console.log(`[services] PostgreSQL: ${r.databaseUrl.replace(/:[^:@/]*@/, ":***@")}`);
      console.log(`[services] Redis:      ${r.redisUrl.replace(/:[^:@/]*@/, ":***@")}`);
      if (r.started.length) console.log(`[services] started: ${r.started.join(", ")}`);
    },
    (e) => { console.error(`[services] ${e instanceof ServiceError ? e.message : e.stack}`); process.exit(1); },
  );
}

// Test databases (`@fanout/db/testing`): each test file gets a fresh, migrated database in
// ~100 ms by cloning a template that is migrated once per migration set (shared by every
// vitest worker; built under an advisory lock so parallel workers never race).
import { createHash, randomBytes } from "node:crypto";
import type pg from "pg";
import { readMigrationsList, applyMigrations, withAdminClient, withDatabase, quoteIdent } from "./migrate";
import { createPrisma, type PrismaClient } from "./index";

export interface TestDatabase {
  /** Connection string of the new database. */
  url: string;
  name: string;
  /** A client for it (pool of `max` connections, default 5). */
  prisma: PrismaClient;
  /** Disconnects `prisma` and drops the database (WITH (FORCE)). Safe to call twice. */
  drop(): Promise<void>;
}

const TEMPLATE_LOCK = 7_160_301; // pg_advisory_lock key: "fanout template build"
const STALE_TEST_DB_MS = 24 * 3600_000;
const STALE_TEMPLATE_MS = 7 * 24 * 3600_000;

export function baseUrl(): string {
  return process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

/** Name of the template for the current migrations: changes whenever a migration does. */
export async function templateName(migrationsDir?: string): Promise<string> {
  const list = await readMigrationsList(migrationsDir);
  const h = createHash("sha256");
  for (const d of list.migrationDirectories) h.update(d.path).update("\0").update(JSON.stringify(d.migrationFile.content));
  return `fanout_tpl_${h.digest("hex").slice(0, 16)}`;
}

const templates = new Map<string, Promise<string>>();

/** Ensures the migrated template database exists on the server of `url`; returns its name. */
export function ensureTemplate(url = baseUrl()): Promise<string> {
  const key = new URL(url).host;
  let p = templates.get(key);
  if (!p) {
    p = buildTemplate(url);
    p.catch(() => templates.delete(key));
    templates.set(key, p);
  }
  return p;
}

/** @internal Builds (or finds) the template; exported for the concurrency test. */
export async function buildTemplate(url: string, migrationsDir?: string): Promise<string> {
  const name = await templateName(migrationsDir);
  const exists = (c: pg.Client, db: string) =>
    c.query("SELECT 1 FROM pg_database WHERE datname = $1", [db]).then((r) => (r.rowCount ?? 0) > 0);
  return withAdminClient(url, async (c) => {
    if (await exists(c, name)) return name; // fast path: built by an earlier run
    await c.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    try {
      if (await exists(c, name)) return name; // another worker built it while we waited
      // Build under a scratch name and rename at the end, so a crash never leaves a
      // half-migrated database under the name the fast path trusts.
      const building = `${name}_build`;
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
      await applyMigrations(withDatabase(url, building), { migrationsDir });
      await c.query(`COMMENT ON DATABASE ${quoteIdent(building)} IS 'fanout test template, built ${Date.now()}'`);
      await retryBusy(() => c.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`));
      await dropStale(c, name);
      return name;
    } finally {
      await c.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
    }
  });
}

/**
 * Removes test databases leaked over a day ago (crashed runs) and templates of other migration
 * sets built over a week ago. Recent templates stay: another checkout may be using them.
 */
async function dropStale(c: pg.Client, keep: string) {
  const { rows } = await c.query<{ datname: string; note: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS note FROM pg_database
     WHERE datname LIKE 'fanout\\_tpl\\_%' OR datname LIKE 'fanout\\_t\\_%'`,
  );
  for (const { datname, note } of rows) {
    if (datname === keep) continue;
    const born = /^fanout_t_([0-9a-z]+)_/.exec(datname)?.[1] ?? /built (\d+)/.exec(note ?? "")?.[1];
    const bornMs = born === undefined ? NaN : datname.startsWith("fanout_t_") ? parseInt(born, 36) : Number(born);
    const maxAge = datname.startsWith("fanout_t_") ? STALE_TEST_DB_MS : STALE_TEMPLATE_MS;
    if (Date.now() - bornMs > maxAge) await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)}`).catch(() => {});
  }
}

/** Retries `fn` while Postgres says a database is in use (55006), e.g. a backend still exiting. */
async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== "55006" || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    }
  }
}

/** A fresh, fully migrated database of its own for one test file. */
export async function createTestDatabase(opts: { max?: number } = {}): Promise<TestDatabase> {
  const base = baseUrl();
  const name = `fanout_t_${Date.now().toString(36)}_${randomBytes(5).toString("hex")}`;
  const clone = async () => {
    const template = await ensureTemplate(base);
    await withAdminClient(base, (c) =>
      retryBusy(() => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`)),
    );
  };
  try {
    await clone();
  } catch (err) {
    // 3D000: the template was dropped since this process cached its name; rebuild once.
    if ((err as { code?: string }).code !== "3D000") throw err;
    templates.delete(new URL(base).host);
    await clone();
  }
  const url = withDatabase(base, name);
  const prisma = createPrisma(url, { max: opts.max ?? 5 });
  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= (async () => {
      await prisma.$disconnect().catch(() => {});
      await withAdminClient(base, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    })());
  return { url, name, prisma, drop };
}

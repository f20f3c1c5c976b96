// Test databases (`@fanout/db/testing`): each test file gets a fresh, migrated database in
// ~100 ms by cloning a template that is migrated once per migration set (shared by every
// vitest worker; built under an advisory lock so parallel workers never race).
import { createHash, randomBytes } from "node:crypto";
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
const STALE_MS = 24 * 3600_000;

export function baseUrl(): string {
  return process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

/** Name of the template for the current migrations: changes whenever a migration does. */
export async function templateName(): Promise<string> {
  const list = await readMigrationsList();
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

async function buildTemplate(url: string): Promise<string> {
  const name = await templateName();
  const exists = (c: Parameters<Parameters<typeof withAdminClient>[1]>[0], db: string) =>
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
      await applyMigrations(withDatabase(url, building));
      await c.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`);
      await dropStale(c, name);
      return name;
    } finally {
      await c.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
    }
  });
}

/** Removes templates of older migration sets and test databases leaked over a day ago. */
async function dropStale(c: Parameters<Parameters<typeof withAdminClient>[1]>[0], keep: string) {
  const { rows } = await c.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'fanout\\_tpl\\_%' OR datname LIKE 'fanout\\_t\\_%'",
  );
  for (const { datname } of rows) {
    const born = /^fanout_t_([0-9a-z]+)_/.exec(datname);
    const stale = born ? Date.now() - parseInt(born[1]!, 36) > STALE_MS : datname !== keep;
    if (stale) await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)}`).catch(() => {});
  }
}

/** A fresh, fully migrated database of its own for one test file. */
export async function createTestDatabase(opts: { max?: number } = {}): Promise<TestDatabase> {
  const base = baseUrl();
  const template = await ensureTemplate(base);
  const name = `fanout_t_${Date.now().toString(36)}_${randomBytes(5).toString("hex")}`;
  await withAdminClient(base, async (c) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
        return;
      } catch (err) {
        // 55006: the template is briefly in use (e.g. a concurrent clone); try again.
        if ((err as { code?: string }).code !== "55006" || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
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

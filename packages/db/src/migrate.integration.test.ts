import { cp, mkdtemp, readFile, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, createMigration, MIGRATIONS_DIR, SCHEMA_PATH, withAdminClient, withDatabase } from "./migrate";
import { baseUrl, buildTemplate, createTestDatabase, type TestDatabase } from "./testing";

const created: string[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
function scratchUrl(): string {
  const name = `fanout_mig_${randomBytes(6).toString("hex")}`;
  created.push(name);
  return withDatabase(baseUrl(), name);
}
async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  for (const f of cleanups) await f();
  await withAdminClient(baseUrl(), async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

describe("applyMigrations", () => {
  it("creates the database, applies every migration once (even when raced), and is idempotent", async () => {
    const url = scratchUrl();
    const all = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(all.length).toBeGreaterThan(0);

    const raced = await Promise.all([1, 2, 3].map(() => applyMigrations(url)));
    expect(raced.flatMap((r) => r.applied).sort()).toEqual(all);
    const second = await applyMigrations(url);
    expect(second.applied).toEqual([]);

    const rows = await query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      url,
      "SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.map((r) => r.migration_name)).toEqual(all);
    expect(rows.every((r) => r.finished_at && !r.rolled_back_at)).toBe(true);
    const tables = await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(["tenants", "api_keys", "jobs", "tasks", "audit_log"]));
  });

  it("sends a migration script to Postgres whole (semicolons inside a function body survive)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "fanout-mig-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, "99990101000000_fn"));
    await writeFile(
      path.join(dir, "99990101000000_fn", "migration.sql"),
      "CREATE FUNCTION fanout_two() RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; RETURN 2; END $$;\nSELECT 'a;b';\n",
    );
    const url = scratchUrl();
    const out = await applyMigrations(url, { migrationsDir: dir });
    expect(out.applied).toContain("99990101000000_fn");
    expect(await query<{ v: number }>(url, "SELECT fanout_two() AS v")).toEqual([{ v: 2 }]);
  });
});

describe("createMigration", () => {
  it("writes the diff between the history and the schema, and nothing when they agree", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "fanout-mig-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const migrationsDir = path.join(dir, "migrations");
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const schemaPath = path.join(dir, "schema.prisma");
    await writeFile(schemaPath, await readFile(SCHEMA_PATH, "utf8"));

    expect(await createMigration("noop", { migrationsDir, schemaPath })).toBeNull();

    const schema = (await readFile(SCHEMA_PATH, "utf8")).replace("  paused    Boolean      @default(false)\n", "  paused    Boolean      @default(false)\n  note      String?\n");
    await writeFile(schemaPath, schema);
    const made = await createMigration("Add tenant note", { migrationsDir, schemaPath, now: new Date("2099-01-02T03:04:05Z") });
    expect(made?.name).toBe("20990102030405_add_tenant_note");
    expect(made?.sql).toMatch(/ALTER TABLE "tenants" ADD COLUMN\s+"note" TEXT/);
    expect(await readFile(path.join(migrationsDir, made!.name, "migration.sql"), "utf8")).toBe(made!.sql.endsWith("\n") ? made!.sql : made!.sql + "\n");
    expect(await createMigration("again", { migrationsDir, schemaPath })).toBeNull();
  });
});

describe("createTestDatabase", () => {
  it("gives each caller its own migrated database and drops it", async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const dbs: TestDatabase[] = [a!, b!];
    try {
      expect(a!.name).not.toBe(b!.name);
      await a!.prisma.tenant.create({ data: { slug: "only-in-a", name: "A" } });
      expect(await a!.prisma.tenant.count()).toBe(1);
      expect(await b!.prisma.tenant.count()).toBe(0);
    } finally {
      await Promise.all(dbs.map((d) => d.drop()));
    }
    const left = await withAdminClient(baseUrl(), (c) =>
      c.query("SELECT 1 FROM pg_database WHERE datname = ANY($1)", [dbs.map((d) => d.name)]),
    );
    expect(left.rowCount).toBe(0);
    await a!.drop(); // twice is fine
  });
});

describe("template build", () => {
  it("builds a template once when many callers race for it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "fanout-mig-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, "99990101000000_unique"));
    await writeFile(path.join(dir, "99990101000000_unique", "migration.sql"), `-- ${randomBytes(8).toString("hex")}\nSELECT 1;\n`);
    const names = await Promise.all([1, 2, 3].map(() => buildTemplate(baseUrl(), dir)));
    created.push(names[0]!);
    expect(new Set(names).size).toBe(1);
    const rows = await withAdminClient(baseUrl(), (c) =>
      c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${names[0]}%`]),
    );
    expect(rows.rows.map((r) => r.datname)).toEqual([names[0]]);
    const applied = await query<{ migration_name: string }>(withDatabase(baseUrl(), names[0]!), "SELECT migration_name FROM _prisma_migrations");
    expect(applied.map((r) => r.migration_name)).toContain("99990101000000_unique");
  });
});

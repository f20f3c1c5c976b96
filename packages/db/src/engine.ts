// Loads Prisma's schema engine (WebAssembly) and runs it over the pg driver adapter,
// so migrations work offline without the native engine the Prisma CLI downloads.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import pg from "pg";

export type SchemaEngine = bg.SchemaEngine;
export type MigrationList = bg.MigrationList;
export const NO_FILTERS: bg.SchemaFilter = { externalTables: [], externalEnums: [] };

let loaded: Promise<void> | undefined;

/** Node cannot `import` a .wasm file, so instantiate it by hand once per process. */
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    // The engine arms a 10 s timer (its advisory-lock timeout) and never clears it; unref it so a finished
    // migration does not hold a CLI process open for 10 s.
    const glue: Record<string, unknown> = { ...bg };
    for (const key of Object.keys(glue).filter((k) => k.startsWith("__wbg_setTimeout_"))) {
      const original = glue[key] as (...a: unknown[]) => { unref?: () => void };
      glue[key] = (...args: unknown[]) => {
        const timer = original(...args);
        timer?.unref?.();
        return timer;
      };
    }
    const imports = { "./schema_engine_bg.js": glue as WebAssembly.ModuleImports };
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), imports);
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  })();
  loaded.catch(() => (loaded = undefined)); // let a later call retry
  return loaded;
}

/** The engine logs JSON lines (INFO on every start); keep them unless asked or on error. */
function engineLog(lines: string[]) {
  const verbose = process.env.FANOUT_MIGRATE_DEBUG === "1";
  return (line: string) => {
    if (verbose) process.stderr.write(line.endsWith("\n") ? line : line + "\n");
    else if (lines.length < 200) lines.push(line);
  };
}

/** Runs `fn` with a schema engine connected to `databaseUrl`; always frees the engine. */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  datamodels: Array<[string, string]> | undefined,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  await loadWasm();
  const logs: string[] = [];
  const factory = new TrackedPg(databaseUrl);
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  try {
    const engine = await bg.SchemaEngine.new({ datamodels }, engineLog(logs), adapter);
    try {
      return await fn(engine);
    } finally {
      engine.free();
    }
  } catch (err) {
    throw engineError(err, logs);
  } finally {
    await factory.close();
  }
}

/**
 * PrismaPg, plus the fixes the engine needs here (adapter-pg 7.10):
 * - connections are closed when we are done (the engine never disposes them);
 * - scripts go to Postgres whole (PrismaPg splits on ";", breaking quoted or dollar-quoted
 *   bodies, and a multi-statement query is atomic, as with the native engine);
 * - catalog columns of type "char" (pg_class.relkind...) read as text: PrismaPg rejects
 *   that type, which made every diff that describes a database fail;
 * - the shadow database is dropped WITH (FORCE) after its pool ends (PrismaPg's drop races
 *   its own pool and leaks a connection).
 */
class TrackedPg implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";
  private readonly open = new Set<SqlDriverAdapter>();
  constructor(private readonly url: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.track(await new PrismaPg({ connectionString: this.url }).connect());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `fanout_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
    const admin = (sql: string) => adminQuery(this.url, sql);
    await admin(`CREATE DATABASE "${name}"`);
    const u = new URL(this.url);
    u.pathname = "/" + name;
    const adapter = await new PrismaPg({ connectionString: u.toString() }).connect();
    return this.track(adapter, () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  }

  private track(adapter: SqlDriverAdapter, after?: () => Promise<unknown>): SqlDriverAdapter {
    const internals = adapter as unknown as {
      underlyingDriver(): pg.Pool;
      onError(e: unknown): never;
      performIO(q: unknown): Promise<pg.QueryArrayResult>;
    };
    const pool = internals.underlyingDriver();
    const onError = internals.onError.bind(adapter);
    const performIO = internals.performIO.bind(adapter);
    internals.performIO = async (query) => {
      const result = await performIO(query);
      for (const f of result.fields) if (f.dataTypeID === PG_CHAR_OID) f.dataTypeID = PG_TEXT_OID;
      return result;
    };
    adapter.executeScript = async (script: string) => {
      try {
        await pool.query(script);
      } catch (e) {
        onError(e);
      }
    };
    const dispose = adapter.dispose.bind(adapter);
    let done: Promise<void> | undefined;
    adapter.dispose = () =>
      (done ??= (async () => {
        this.open.delete(adapter);
        await dispose().catch(() => {});
        await after?.();
      })());
    this.open.add(adapter);
    return adapter;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open].map((a) => a.dispose()));
  }
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

async function adminQuery(url: string, sql: string): Promise<void> {
  const u = new URL(url);
  u.pathname = "/postgres";
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Engine errors carry a Rust span trace after the message; keep the message, attach the logs. */
function engineError(err: unknown, logs: string[]): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const message = err.message.split(/\n\s+0: /)[0]!.trim();
  const e = new Error(message, { cause: err });
  (e as Error & { engineLogs?: string[] }).engineLogs = logs.filter((l) => !l.includes('"level":"INFO"'));
  return e;
}

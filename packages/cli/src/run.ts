// Argument parsing and dispatch for `fanout`. Returns the exit code; prints one line on
// stderr on failure. Commands themselves live in ./commands and take a PrismaClient.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError, loadConfig } from "@fanout/config";
import { createPrisma, type PrismaClient } from "@fanout/db";
import { CliError, usageError } from "./errors";
import { createTenant } from "./commands/tenant";
import { createApiKey } from "./commands/key";
import { setQuota, type QuotaChanges } from "./commands/quota";
import { seedDemo } from "./commands/seed";

export const USAGE = `Usage: fanout <command>

  tenant create <slug> [--name <name>]
  key create --tenant <slug> [--name <name>] [--scopes <a,b>]    (prints the key on the last line)
  quota set --tenant <slug> [--weight <n>] [--max-concurrent <n>] [--max-queued <n>]
            [--submit-rate <n per s>] [--max-items <n>]
  migrate                                   apply pending database migrations
  seed [--admin-password <p>]               demo tenant, admin user and a fresh demo key

Environment: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/fanout).`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(l + "\n"),
  err: (l) => process.stderr.write(l + "\n"),
  env: process.env,
};

type Options = NonNullable<ParseArgsConfig["options"]>;
const str = { type: "string" } as const;

function parse(args: string[], options: Options, positionals: number) {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (r.positionals.length !== positionals) {
      throw usageError(r.positionals.length > positionals ? `unexpected argument '${r.positionals[positionals]}'` : "missing argument");
    }
    return { values: r.values as Record<string, string | undefined>, positionals: r.positionals };
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as { code?: string }).code ?? "";
    const m = /'(--?[\w-]+)/.exec((err as Error).message);
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw usageError(`unknown option ${m?.[1] ?? ""}`.trim());
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw usageError(`option ${m?.[1] ?? ""} needs a value`);
    throw usageError((err as Error).message.split("\n")[0]!);
  }
}

function required(values: Record<string, string | undefined>, name: string): string {
  const v = values[name];
  if (!v) throw usageError(`--${name} <value> is required`);
  return v;
}

export async function run(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (!cmd || cmd === "help" || cmd === "--help" || cmd === "-h") {
    (cmd ? io.out : io.err)(USAGE);
    return cmd ? 0 : 2;
  }
  let prisma: PrismaClient | undefined;
  const db = () => (prisma ??= createPrisma(loadConfig("cli", io.env).databaseUrl, { max: 2 }));
  try {
    const action = `${cmd} ${sub ?? ""}`.trim();
    if (action === "tenant create") {
      const { values, positionals } = parse(rest, { name: str }, 1);
      const t = await createTenant(db(), { slug: positionals[0]!, name: values.name });
      io.out(`Created tenant ${t.slug} (${t.id})`);
    } else if (action === "key create") {
      const { values } = parse(rest, { tenant: str, name: str, scopes: str }, 0);
      const k = await createApiKey(db(), { tenant: required(values, "tenant"), name: values.name, scopes: values.scopes });
      io.out(`Created API key ${k.prefix} for tenant ${values.tenant} with scopes ${k.scopes.join(",")}. It is shown only once:`);
      io.out(k.key);
    } else if (action === "quota set") {
      const flags = { weight: "weight", "max-concurrent": "maxConcurrent", "max-queued": "maxQueued", "submit-rate": "submitRate", "max-items": "maxItems" } as const;
      const { values } = parse(rest, { tenant: str, ...Object.fromEntries(Object.keys(flags).map((f) => [f, str])) }, 0);
      const tenant = required(values, "tenant");
      const changes: Record<string, string> = {};
      for (const [flag, key] of Object.entries(flags)) if (values[flag] !== undefined) changes[key] = values[flag]!;
      const q = await setQuota(db(), { tenant, ...(changes as unknown as QuotaChanges) });
      io.out(
        `Quota for ${tenant}: weight=${q.weight} max-concurrent=${q.maxConcurrent} max-queued=${q.maxQueuedItems} ` +
          `submit-rate=${q.submitRatePerSec}/s max-items=${q.maxItemsPerJob}`,
      );
    } else if (cmd === "migrate") {
      parse(argv.slice(1), {}, 0);
      const { applyMigrations } = await import("@fanout/db/migrate");
      const { applied } = await applyMigrations(loadConfig("cli", io.env).databaseUrl);
      io.out(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date");
    } else if (cmd === "seed") {
      const { values } = parse(argv.slice(1), { "admin-password": str }, 0);
      const s = await seedDemo(db(), { adminPassword: values["admin-password"] });
      io.out(`Demo tenant: ${s.tenantSlug}`);
      io.out(`Admin login: ${s.adminEmail} / ${s.adminPassword}`);
      io.out("Demo API key (shown only once):");
      io.out(s.apiKey);
    } else {
      throw usageError(`unknown command '${action}' (try: fanout --help)`);
    }
    return 0;
  } catch (err) {
    io.err(`fanout: ${oneLine(err)}`);
    return err instanceof CliError ? err.exitCode : err instanceof ConfigError ? 2 : 1;
  } finally {
    await prisma?.$disconnect().catch(() => {});
  }
}

function oneLine(err: unknown): string {
  if (err instanceof ConfigError) return `invalid configuration: ${err.problems.map((p) => `${p.variable} ${p.message}`).join("; ")}`;
  const msg = err instanceof Error ? err.message : String(err);
  const lines = msg.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines.join(" ").slice(0, 500) : "failed";
}

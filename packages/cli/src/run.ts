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
import { setPrivateCallbacks } from "./commands/private-callbacks";
import { cancelCommand, resultsCommand, submitCommand, watchCommand, workerCommand, type ApiIo } from "./commands/tenant-api";

export const USAGE = `Usage: fanout <command>

  tenant create <slug> [--name <name>]
  tenant private-callbacks <slug> on|off    allow webhooks to private/loopback hosts (SSRF guard exception)
  key create --tenant <slug> [--name <name>] [--scopes <a,b>]    (prints the key on the last line)
  quota set --tenant <slug> [--weight <n>] [--max-concurrent <n>] [--max-queued <n>]
            [--submit-rate <n per s>] [--max-items <n>]
  migrate                                   apply pending database migrations
  seed [--admin-password <p>]               demo tenant, admin user and a fresh demo key

Tenant commands (over the REST API; --url/--api-key or FANOUT_URL/FANOUT_API_KEY):
  submit --handler <name> [<items.json|items.ndjson|->] [--range from:to] [--chunk-size <n>]
         [--priority <n>] [--max-attempts <n>] [--name <s>] [--idempotency-key <k>] [--callback-url <u>]
                                            items from a JSON array or NDJSON file, or stdin; prints the job id
  watch <job id>                            live progress bar until the job finishes (exit 1 unless it succeeded)
  results <job id>                          every result as NDJSON, in item order
  cancel <job id>
  worker --module <path> [--concurrency <n>] [--item-concurrency <n>] [--visibility-ms <n>] [--worker-id <id>]
                                            run a remote worker for the module's exported \`handlers\`

Environment: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/fanout).`;

export interface CliIo extends ApiIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(l + "\n"),
  err: (l) => process.stderr.write(l + "\n"),
  env: process.env,
  write: (chunk) => process.stdout.write(chunk),
  isTTY: process.stdout.isTTY === true,
  stdin: process.stdin,
};

type Options = NonNullable<ParseArgsConfig["options"]>;
const str = { type: "string" } as const;

function parse(args: string[], options: Options, positionals: number, optionalPositionals = 0) {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    const max = positionals + optionalPositionals;
    if (r.positionals.length < positionals || r.positionals.length > max) {
      throw usageError(r.positionals.length > max ? `unexpected argument '${r.positionals[max]}'` : "missing argument");
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
    } else if (action === "tenant private-callbacks") {
      const { positionals } = parse(rest, {}, 2);
      const allow = await setPrivateCallbacks(db(), { tenant: positionals[0]!, value: positionals[1]! });
      io.out(`Private callbacks for ${positionals[0]}: ${allow ? "allowed" : "refused"}`);
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
    } else if (cmd in TENANT_COMMANDS) {
      return await TENANT_COMMANDS[cmd]!(argv.slice(1), io);
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

const api = { url: str, "api-key": str };
const TENANT_COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  async submit(args, io) {
    const flags = ["handler", "range", "chunk-size", "priority", "max-attempts", "name", "idempotency-key", "callback-url"];
    const { values, positionals } = parse(args, { ...api, ...Object.fromEntries(flags.map((f) => [f, str])) }, 0, 1);
    await submitCommand(values, positionals[0], io);
    return 0;
  },
  async watch(args, io) {
    const { values, positionals } = parse(args, { ...api, interval: str }, 1);
    return watchCommand(values, positionals[0]!, io);
  },
  async results(args, io) {
    const { values, positionals } = parse(args, { ...api, "page-size": str }, 1);
    await resultsCommand(values, positionals[0]!, io);
    return 0;
  },
  async cancel(args, io) {
    const { values, positionals } = parse(args, api, 1);
    await cancelCommand(values, positionals[0]!, io);
    return 0;
  },
  async worker(args, io) {
    const { values } = parse(args, { ...api, module: str, concurrency: str, "item-concurrency": str, "visibility-ms": str, "worker-id": str }, 0);
    return workerCommand(values, io);
  },
};

function oneLine(err: unknown): string {
  if (err instanceof ConfigError) return `invalid configuration: ${err.problems.map((p) => `${p.variable} ${p.message}`).join("; ")}`;
  const msg = err instanceof Error ? err.message : String(err);
  const lines = msg.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines.join(" ").slice(0, 500) : "failed";
}

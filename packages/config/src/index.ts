// @fanout/config: reads and validates the environment once at start-up. The only place
// (besides scripts) that touches process.env; apps pass the result down.
import { z } from "zod";

export type AppKind = "web" | "worker" | "scheduler" | "cli";
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface FanoutConfig {
  kind: AppKind;
  nodeEnv: "development" | "test" | "production";
  isProduction: boolean;
  databaseUrl: string;
  redisUrl: string;
  port: number;
  /** NEXTAUTH_SECRET: signs dashboard sessions. */
  authSecret: string;
  /** NEXTAUTH_URL: the dashboard's public base URL. */
  authUrl: string;
  /** FANOUT_QUEUE_PREFIX: Redis key prefix for every queue. */
  queuePrefix: string;
  /** WORKER_CONCURRENCY: tasks a worker process runs at once. */
  concurrency: number;
  /** WORKER_POOL: the pool a worker serves. */
  pool: string;
  /**
   * WORKER_BULK_NICE: the nice value of a worker's main thread, which runs the bulk of its
   * tasks, so that a newcomer's first task (on the lane thread, Postgres, Redis) gets a core
   * sooner on a busy machine (engine thread-priority.ts). 0 leaves the priority alone.
   */
  bulkNice: number;
  logLevel: LogLevel;
  /** WORKER_ID / SCHEDULER_ID: stable process ids, when set (the engine picks one otherwise). */
  /** METRICS_PORT: where workers and schedulers serve /metrics, /healthz and /readyz (0 = off). */
  metricsPort: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: where traces go; absent = tracing off. */
  otlpEndpoint?: string;
  workerId?: string;
  schedulerId?: string;
  /**
   * SCHEDULER_INFLIGHT_PER_SLOT: tasks a pool may have admitted (queued or running) per
   * worker slot, up to 1.5× for pools of short tasks (engine admission-depth.ts). 2 keeps a
   * newcomer's next task behind about one waiting task per slot.
   */
  inflightPerSlot: number;
  /** SCHEDULER_MIN_ROUND_GAP_MS: back-to-back admission rounds start at least this far apart (engine scheduler.ts). */
  minRoundGapMs: number;
  /** FANOUT_SECRET_KEY: encrypts per-tenant webhook signing secrets at rest (AES-256-GCM). */
  secretKey: string;
  /** Dashboard sign-in providers besides email + password; each is on only when fully configured. */
  oauth: { github?: { clientId: string; clientSecret: string } };
}

export const DEV_AUTH_SECRET = "fanout-dev-secret-not-for-production";
/** Only outside production: anyone reading the source could decrypt secrets stored under it. */
export const DEV_SECRET_KEY = "fanout-dev-webhook-key-not-for-production-use";

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const url = (protocol: RegExp, example: string) =>
  z.url({ protocol, error: `must be a URL like ${example}` });
const name = (what: string) =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, { error: `must be a ${what}: letters, digits, _ . : - (max 64)` });

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"], { error: "must be development, test or production" }).default("development"),
  DATABASE_URL: url(/^postgres(ql)?$/, "postgresql://user@host:5432/db").default("postgresql://postgres@127.0.0.1:5432/fanout"),
  REDIS_URL: url(/^rediss?$/, "redis://host:6379").default("redis://127.0.0.1:6379"),
  PORT: int(1, 65535).default(3000),
  NEXTAUTH_SECRET: z.string().min(16, { error: "must be at least 16 characters" }).optional(),
  NEXTAUTH_URL: url(/^https?$/, "http://localhost:3000").optional(),
  FANOUT_QUEUE_PREFIX: name("key prefix").default("fanout"),
  WORKER_CONCURRENCY: int(1, 1024).default(8),
  WORKER_POOL: name("pool name").default("default"),
  WORKER_BULK_NICE: int(0, 19).default(5),
  SCHEDULER_INFLIGHT_PER_SLOT: int(1, 16).default(2),
  SCHEDULER_MIN_ROUND_GAP_MS: int(0, 1000).default(0),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  WORKER_ID: name("worker id").optional(),
  SCHEDULER_ID: name("scheduler id").optional(),
  FANOUT_SECRET_KEY: z.string().min(32, { error: "must be at least 32 characters (e.g. openssl rand -base64 32)" }).optional(),
  /** Worker/scheduler ops port (/metrics, /healthz, /readyz); 0 turns it off. */
  METRICS_PORT: int(0, 65535).default(0),
  /** OTLP/HTTP collector base URL (e.g. http://otel-collector:4318); unset = no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: url(/^https?$/, "http://otel-collector:4318").optional(),
  /** GitHub OAuth app for dashboard sign-in (both or neither). */
  GITHUB_ID: z.string().regex(/^[A-Za-z0-9._-]{8,100}$/, { error: "must be a GitHub OAuth client id" }).optional(),
  GITHUB_SECRET: z.string().min(20, { error: "must be a GitHub OAuth client secret (at least 20 characters)" }).optional(),
});

const SECRET_VARS = new Set(["DATABASE_URL", "REDIS_URL", "NEXTAUTH_SECRET", "FANOUT_SECRET_KEY", "GITHUB_SECRET"]);

/** Thrown by loadConfig; `problems` lists every bad variable, and so does the message. */
export class ConfigError extends Error {
  constructor(
    readonly kind: AppKind,
    readonly problems: Array<{ variable: string; message: string }>,
  ) {
    super(`Invalid configuration for ${kind}:\n${problems.map((p) => `  - ${p.variable} ${p.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses and validates the environment. Empty variables count as unset. */
export function loadConfig(kind: AppKind, env: Record<string, string | undefined> = process.env): FanoutConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key]?.trim();
    if (v) input[key] = v;
  }
  const parsed = schema.safeParse(input);
  const problems: Array<{ variable: string; message: string }> = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? "environment");
      const shown = SECRET_VARS.has(variable) || input[variable] === undefined ? "" : ` (got ${JSON.stringify(input[variable])})`;
      problems.push({ variable, message: issue.message + shown });
    }
  }
  const nodeEnv = parsed.success ? parsed.data.NODE_ENV : input.NODE_ENV === "production" ? "production" : "development";
  // Only the web app signs sessions; workers and schedulers may run without the secret.
  if (nodeEnv === "production" && kind === "web" && !input.NEXTAUTH_SECRET) {
    problems.push({ variable: "NEXTAUTH_SECRET", message: "is required in production (32+ random characters)" });
  }
  // The web app shows and the scheduler (webhook dispatcher) uses the tenants' signing secrets.
  if (nodeEnv === "production" && (kind === "web" || kind === "scheduler") && !input.FANOUT_SECRET_KEY) {
    problems.push({ variable: "FANOUT_SECRET_KEY", message: "is required in production (32+ random characters)" });
  }
  // Half an OAuth configuration is a mistake, not "off": say which half is missing.
  if (!!input.GITHUB_ID !== !!input.GITHUB_SECRET) {
    const missing = input.GITHUB_ID ? "GITHUB_SECRET" : "GITHUB_ID";
    problems.push({ variable: missing, message: `is required when ${missing === "GITHUB_ID" ? "GITHUB_SECRET" : "GITHUB_ID"} is set (GitHub sign-in needs both)` });
  }
  if (problems.length || !parsed.success) throw new ConfigError(kind, problems);
  const e = parsed.data;
  return {
    kind,
    nodeEnv: e.NODE_ENV,
    isProduction: e.NODE_ENV === "production",
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    authSecret: e.NEXTAUTH_SECRET ?? DEV_AUTH_SECRET,
    authUrl: e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`,
    queuePrefix: e.FANOUT_QUEUE_PREFIX,
    concurrency: e.WORKER_CONCURRENCY,
    pool: e.WORKER_POOL,
    bulkNice: e.WORKER_BULK_NICE,
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
    ...(e.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    ...(e.WORKER_ID ? { workerId: e.WORKER_ID } : {}),
    ...(e.SCHEDULER_ID ? { schedulerId: e.SCHEDULER_ID } : {}),
    inflightPerSlot: e.SCHEDULER_INFLIGHT_PER_SLOT,
    minRoundGapMs: e.SCHEDULER_MIN_ROUND_GAP_MS,
    secretKey: e.FANOUT_SECRET_KEY ?? DEV_SECRET_KEY,
    oauth: e.GITHUB_ID && e.GITHUB_SECRET ? { github: { clientId: e.GITHUB_ID, clientSecret: e.GITHUB_SECRET } } : {},
  };
}

/** For a process's main: bad env is an operator error, so print which variables are wrong (no stack) and exit 1. */
export function loadConfigOrExit(kind: AppKind, env: Record<string, string | undefined> = process.env): FanoutConfig {
  try {
    return loadConfig(kind, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

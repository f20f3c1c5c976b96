// @fanout/logger: one pino JSON logger per process; secrets are redacted by path.
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

const SECRET_KEYS = ["password", "passwordHash", "adminPassword", "apiKey", "rawKey", "authSecret", "token", "secret"];
const HEADERS = ["authorization", "cookie", '["x-api-key"]', '["set-cookie"]'];

/** Paths (one and two levels deep, plus request headers) whose values never reach a log. */
export const REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  ...["headers", "req.headers", "request.headers", "*.headers"].flatMap((h) =>
    HEADERS.map((name) => (name.startsWith("[") ? `${h}${name}` : `${h}.${name}`)),
  ),
];

/**
 * A JSON logger named `name` ("web", "worker"...). Level: `level`, else LOG_LEVEL, else
 * "info" ("silent" under vitest). `destination` defaults to stdout (tests pass a stream).
 */
export function createLogger(name: string, level?: string, destination?: DestinationStream): Logger {
  const resolved = level ?? process.env.LOG_LEVEL ?? (process.env.VITEST ? "silent" : "info");
  return pino(
    {
      name,
      level: resolved,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

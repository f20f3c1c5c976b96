// What specs need to reach the system global-setup.ts booted.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const E2E = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SCREENSHOTS = path.join(E2E, "screenshots");
/** Written by global-setup.ts; the same values are in the FANOUT_E2E_* env vars. */
export const ENV_FILE = path.join(E2E, "results", "e2e-env.json");

export interface E2EEnv {
  baseURL: string;
  adminEmail: string;
  adminPassword: string;
  apiKey: string;
  databaseUrl?: string;
  queuePrefix?: string;
}

export function e2eEnv(): E2EEnv {
  const { FANOUT_E2E_BASE_URL: baseURL, FANOUT_E2E_ADMIN_EMAIL: adminEmail, FANOUT_E2E_ADMIN_PASSWORD: adminPassword, FANOUT_E2E_API_KEY: apiKey } = process.env;
  if (baseURL && adminEmail && adminPassword && apiKey) {
    return { baseURL, adminEmail, adminPassword, apiKey, databaseUrl: process.env.FANOUT_E2E_DATABASE_URL, queuePrefix: process.env.FANOUT_E2E_QUEUE_PREFIX };
  }
  return JSON.parse(fs.readFileSync(ENV_FILE, "utf8")) as E2EEnv;
}

/** Path for a named screenshot in test/e2e/screenshots (git-ignored). */
export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name.endsWith(".png") ? name : `${name}.png`);
}

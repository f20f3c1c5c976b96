// Boots the whole system for e2e exactly as `npm start` does (same functions), but on a fresh
// database, a unique queue prefix and a free port, so runs never collide with each other or
// with a developer's `npm start`. The returned function is Playwright's global teardown.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { buildWeb, freePort, generate, ROOT, setupDatabase, startSystem } from "../../scripts/start.mjs";
import { createDatabase, deleteRedisKeys, dropDatabase, ensureServices } from "../../scripts/services.mjs";
import { Supervisor } from "../../scripts/lib/procs.mjs";
import { ENV_FILE, type E2EEnv } from "./helpers/env";

export default async function globalSetup(): Promise<(() => Promise<void>) | void> {
  // Point FANOUT_E2E_* at a running system (e.g. `npm start`) to skip booting one.
  if (process.env.FANOUT_E2E_BASE_URL && process.env.FANOUT_E2E_API_KEY) return;

  const id = crypto.randomBytes(4).toString("hex");
  const logDir = path.join(ROOT, "test", "e2e", "results", "logs");
  const sup = new Supervisor({ logDir, echo: "problems" });
  const services = await ensureServices({ createDb: false, log: (m) => console.log(`[e2e] ${m}`) });
  const db = new URL(services.databaseUrl);
  db.pathname = `/fanout_e2e_${id}`;
  const databaseUrl = db.toString();
  const queuePrefix = `fanout_e2e_${id}`;

  const teardown = async () => {
    await sup.stopAll();
    await dropDatabase(databaseUrl).catch((e) => console.error(`[e2e] could not drop ${db.pathname.slice(1)}: ${e.message}`));
    await deleteRedisKeys(services.redisUrl, `*${queuePrefix}*`).catch(() => {});
  };

  try {
    if (!fs.existsSync(path.join(ROOT, "packages/db/src/generated/prisma/client.ts"))) await generate(sup);
    await buildWeb(sup);
    await createDatabase(databaseUrl);
    const creds = await setupDatabase(sup, databaseUrl);
    const port = await freePort();
    const { baseURL } = await startSystem(sup, { port, databaseUrl, redisUrl: services.redisUrl, queuePrefix,
      onCrash: (name, code) => console.error(`[e2e] ${name} exited (${code}) during the run; log: ${path.relative(ROOT, logDir)}/${name}.log\n${sup.tail(name)}`) });
    const env: E2EEnv = { baseURL, ...creds, databaseUrl, queuePrefix };
    // Workers are spawned after this and inherit the env; the file serves tools outside Playwright.
    Object.assign(process.env, { FANOUT_E2E_BASE_URL: baseURL, FANOUT_E2E_ADMIN_EMAIL: creds.adminEmail, FANOUT_E2E_ADMIN_PASSWORD: creds.adminPassword,
      FANOUT_E2E_API_KEY: creds.apiKey, FANOUT_E2E_DATABASE_URL: databaseUrl, FANOUT_E2E_QUEUE_PREFIX: queuePrefix });
    fs.mkdirSync(path.dirname(ENV_FILE), { recursive: true });
    fs.writeFileSync(ENV_FILE, JSON.stringify(env, null, 2));
    console.log(`[e2e] system up at ${baseURL} (database ${db.pathname.slice(1)}, logs in ${path.relative(ROOT, logDir)})`);
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}

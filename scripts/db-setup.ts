// Migrates DATABASE_URL and seeds the demo tenant, admin and API key, then prints the
// credentials as JSON on the last line. Run with tsx by scripts/start.mjs and the e2e setup:
// those are plain Node and cannot import the TypeScript packages themselves.
import { applyMigrations } from "@fanout/db/migrate";
import { createPrisma } from "@fanout/db";
import { seedDemo } from "@fanout/cli";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");

const { applied } = await applyMigrations(url);
if (applied.length) console.error(`applied ${applied.length} migration(s): ${applied.join(", ")}`);
const prisma = createPrisma(url, { max: 2 });
try {
  const { adminEmail, adminPassword, apiKey } = await seedDemo(prisma);
  console.log(JSON.stringify({ adminEmail, adminPassword, apiKey }));
} finally {
  await prisma.$disconnect();
}

// `npm run db:migration:create -- <name>`: write prisma/migrations/<ts>_<name>/migration.sql
// from the difference between the migration history and prisma/schema.prisma.
import path from "node:path";
import { createMigration } from "../migrate";

const name = process.argv[2];
if (!name || name.startsWith("-")) {
  console.error("usage: npm run db:migration:create -- <name>");
  process.exit(2);
}
try {
  const created = await createMigration(name, { databaseUrl: process.env.DATABASE_URL });
  if (!created) console.log("No schema changes: no migration written.");
  else console.log(`Wrote ${path.relative(process.cwd(), created.dir)}/migration.sql`);
} catch (err) {
  console.error(`Could not create migration: ${(err as Error).message}`);
  process.exit(1);
}

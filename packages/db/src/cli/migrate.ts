// `npm run db:migrate`: apply pending migrations to DATABASE_URL (created when missing).
import { applyMigrations, redactUrl } from "../migrate";

const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/fanout";
try {
  const { applied } = await applyMigrations(url);
  const target = redactUrl(url);
  console.log(applied.length ? `Applied ${applied.length} migration(s) to ${target}: ${applied.join(", ")}` : `${target} is up to date`);
} catch (err) {
  console.error(`Migration failed: ${(err as Error).message}`);
  process.exit(1);
}

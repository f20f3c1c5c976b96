-- Per-job result reducers (DESIGN §7). Both ADD COLUMNs have a constant default, so
-- Postgres records it in the catalog and rewrites no existing row.

-- CreateEnum
CREATE TYPE "Reducer" AS ENUM ('collect', 'sum', 'count', 'min', 'max');

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "reducer" "Reducer" NOT NULL DEFAULT 'collect',
ADD COLUMN     "result" JSONB;

-- AlterTable
ALTER TABLE "remote_handlers" ADD COLUMN     "reducer" "Reducer" NOT NULL DEFAULT 'collect';

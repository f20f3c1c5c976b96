-- AlterTable
ALTER TABLE "dead_letters" ADD COLUMN     "discardedAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "jobs" DROP COLUMN "itemsQueued";

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN     "orderingKeys" TEXT[];

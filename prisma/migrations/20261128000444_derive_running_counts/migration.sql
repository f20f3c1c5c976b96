-- AlterTable
ALTER TABLE "jobs" DROP COLUMN "itemsRunning";

-- CreateIndex
CREATE INDEX "tasks_jobId_status_idx" ON "tasks"("jobId", "status");

-- DropIndex
DROP INDEX "tasks_tenantId_idx";

-- CreateIndex
CREATE INDEX "tasks_tenantId_finishedAt_idx" ON "tasks"("tenantId", "finishedAt");

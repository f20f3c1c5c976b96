-- DropIndex
DROP INDEX "tasks_pool_status_priority_createdAt_idx";

-- CreateIndex
CREATE INDEX "tasks_tenantId_pool_status_priority_createdAt_idx" ON "tasks"("tenantId", "pool", "status", "priority" DESC, "createdAt");

-- CreateIndex
CREATE INDEX "tasks_status_runAfter_idx" ON "tasks"("status", "runAfter");

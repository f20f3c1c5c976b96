-- DropIndex
DROP INDEX "tasks_tenantId_pool_status_priority_createdAt_idx";

-- CreateIndex
CREATE INDEX "tasks_tenantId_pool_status_priority_createdAt_jobId_seq_idx" ON "tasks"("tenantId", "pool", "status", "priority" DESC, "createdAt", "jobId", "seq");

-- DropIndex
DROP INDEX "task_results_tenantId_idx";

-- DropIndex
DROP INDEX "tasks_jobId_status_idx";

-- DropIndex
DROP INDEX "tasks_status_leaseUntil_idx";

-- DropIndex
DROP INDEX "tasks_status_runAfter_idx";

-- DropIndex
DROP INDEX "tasks_tenantId_finishedAt_idx";

-- DropIndex
DROP INDEX "tasks_tenantId_pool_status_priority_createdAt_jobId_seq_idx";

-- CreateIndex
CREATE INDEX "tasks_finished_idx" ON "tasks"("tenantId", "finishedAt") WHERE ("finishedAt" IS NOT NULL);

-- CreateIndex
CREATE INDEX "tasks_open_idx" ON "tasks"("jobId", "status") WHERE (status IN ('pending', 'queued', 'running', 'backoff'));

-- CreateIndex
CREATE INDEX "tasks_ready_idx" ON "tasks"("tenantId", "pool", "priority" DESC, "createdAt", "jobId", "seq") WHERE (status = 'pending');

-- CreateIndex
CREATE INDEX "tasks_inflight_idx" ON "tasks"("tenantId", "pool", "leaseUntil") WHERE (status IN ('queued', 'running'));

-- CreateIndex
CREATE INDEX "tasks_backoff_idx" ON "tasks"("pool", "runAfter") WHERE (status = 'backoff');

-- DropIndex
DROP INDEX "jobs_tenantId_status_idx";

-- CreateIndex
CREATE INDEX "jobs_live_idx" ON "jobs"("tenantId", "pool") WHERE (status = ANY (ARRAY['queued'::"JobStatus", 'running'::"JobStatus"]));

-- Room on each page for a job's counter updates to stay on the page (HOT, no index
-- entries): a job row is updated by every commit batch of its tasks. Prisma does not
-- manage storage parameters, so this lives here only.
ALTER TABLE "jobs" SET (fillfactor = 80);

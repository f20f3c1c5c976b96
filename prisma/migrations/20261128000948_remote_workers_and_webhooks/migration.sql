-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "callbackUrl" TEXT;

-- AlterTable
ALTER TABLE "tenants" ADD COLUMN     "allowPrivateCallbacks" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "webhookSecretEnc" TEXT;

-- AlterTable
ALTER TABLE "worker_heartbeats" ADD COLUMN     "handlers" TEXT[],
ADD COLUMN     "tenantId" UUID;

-- CreateTable
CREATE TABLE "remote_handlers" (
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "timeoutMs" INTEGER NOT NULL DEFAULT 30000,
    "maxAttempts" INTEGER NOT NULL DEFAULT 3,
    "concurrencyPerWorker" INTEGER NOT NULL DEFAULT 8,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "remote_handlers_pkey" PRIMARY KEY ("tenantId","name")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "tenantId" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMPTZ(3),
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_deliveries_tenantId_createdAt_idx" ON "webhook_deliveries"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "webhook_deliveries_deliveredAt_nextAttemptAt_idx" ON "webhook_deliveries"("deliveredAt", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_jobId_event_key" ON "webhook_deliveries"("jobId", "event");

-- AddForeignKey
ALTER TABLE "remote_handlers" ADD CONSTRAINT "remote_handlers_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

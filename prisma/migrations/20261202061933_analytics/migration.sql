-- CreateEnum
CREATE TYPE "ChurnRisk" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'LOST');

-- CreateEnum
CREATE TYPE "RfmSegment" AS ENUM ('CHAMPIONS', 'LOYAL', 'POTENTIAL_LOYALISTS', 'NEW', 'PROMISING', 'NEED_ATTENTION', 'ABOUT_TO_SLEEP', 'AT_RISK', 'CANNOT_LOSE', 'HIBERNATING', 'LOST');

-- CreateEnum
CREATE TYPE "TargetComparator" AS ENUM ('AT_LEAST', 'AT_MOST');

-- CreateEnum
CREATE TYPE "TargetStatus" AS ENUM ('ON_TRACK', 'OFF_TRACK', 'NO_DATA');

-- CreateTable
CREATE TABLE "CustomerModelFit" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "r" DOUBLE PRECISION NOT NULL,
    "alpha" DOUBLE PRECISION NOT NULL,
    "a" DOUBLE PRECISION NOT NULL,
    "b" DOUBLE PRECISION NOT NULL,
    "p" DOUBLE PRECISION,
    "q" DOUBLE PRECISION,
    "gamma" DOUBLE PRECISION,
    "calibrationEnd" TIMESTAMPTZ(3) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "customers" INTEGER NOT NULL,
    "repeatCustomers" INTEGER NOT NULL,
    "diagnostics" JSONB NOT NULL,
    "fittedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerModelFit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerPrediction" (
    "customerId" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "fitId" UUID NOT NULL,
    "repeatPurchases" INTEGER NOT NULL,
    "recencyWeeks" DOUBLE PRECISION NOT NULL,
    "ageWeeks" DOUBLE PRECISION NOT NULL,
    "averageSpend" DOUBLE PRECISION,
    "probabilityAlive" DOUBLE PRECISION NOT NULL,
    "expectedPurchases90" DOUBLE PRECISION NOT NULL,
    "predictedClv12" DOUBLE PRECISION,
    "churnRisk" "ChurnRisk" NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CustomerPrediction_pkey" PRIMARY KEY ("customerId")
);

-- CreateTable
CREATE TABLE "CustomerRfm" (
    "customerId" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "recency" INTEGER NOT NULL,
    "frequency" INTEGER NOT NULL,
    "monetary" INTEGER NOT NULL,
    "segment" "RfmSegment" NOT NULL,
    "daysSinceLastPurchase" INTEGER NOT NULL,
    "purchases" INTEGER NOT NULL,
    "netSpent" BIGINT NOT NULL,
    "computedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CustomerRfm_pkey" PRIMARY KEY ("customerId")
);

-- CreateTable
CREATE TABLE "MetricTarget" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "comparator" "TargetComparator" NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "granularity" TEXT NOT NULL,
    "withinHours" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MetricTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricTargetResult" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "targetId" UUID NOT NULL,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "periodEnd" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION,
    "count" INTEGER NOT NULL,
    "status" "TargetStatus" NOT NULL,
    "evaluatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MetricTargetResult_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerModelFit_storeId_fittedAt_idx" ON "CustomerModelFit"("storeId", "fittedAt" DESC);

-- CreateIndex
CREATE INDEX "CustomerPrediction_storeId_churnRisk_idx" ON "CustomerPrediction"("storeId", "churnRisk");

-- CreateIndex
CREATE INDEX "CustomerPrediction_storeId_predictedClv12_idx" ON "CustomerPrediction"("storeId", "predictedClv12");

-- CreateIndex
CREATE INDEX "CustomerRfm_storeId_segment_idx" ON "CustomerRfm"("storeId", "segment");

-- CreateIndex
CREATE INDEX "MetricTarget_storeId_active_idx" ON "MetricTarget"("storeId", "active");

-- CreateIndex
CREATE UNIQUE INDEX "MetricTarget_storeId_name_key" ON "MetricTarget"("storeId", "name");

-- CreateIndex
CREATE INDEX "MetricTargetResult_storeId_evaluatedAt_idx" ON "MetricTargetResult"("storeId", "evaluatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "MetricTargetResult_targetId_periodStart_key" ON "MetricTargetResult"("targetId", "periodStart");

-- AddForeignKey
ALTER TABLE "CustomerPrediction" ADD CONSTRAINT "CustomerPrediction_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CustomerRfm" ADD CONSTRAINT "CustomerRfm_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricTargetResult" ADD CONSTRAINT "MetricTargetResult_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "MetricTarget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

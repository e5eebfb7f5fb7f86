-- CreateEnum
CREATE TYPE "RecommendationKind" AS ENUM ('ALSO_BOUGHT', 'BOUGHT_TOGETHER');

-- CreateEnum
CREATE TYPE "RecommendationBuildKind" AS ENUM ('FULL', 'INCREMENTAL');

-- CreateEnum
CREATE TYPE "RecommendationEventKind" AS ENUM ('IMPRESSION', 'CLICK');

-- CreateTable
CREATE TABLE "RecommendationSettings" (
    "storeId" UUID NOT NULL,
    "excludeCategories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "boostTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "buryTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "pinnedSkus" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "maxPerCategory" INTEGER NOT NULL DEFAULT 3,
    "repeatPurchaseTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "repeatPurchaseCategories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attributionDays" INTEGER NOT NULL DEFAULT 7,
    "halfLifeDays" INTEGER NOT NULL DEFAULT 365,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RecommendationSettings_pkey" PRIMARY KEY ("storeId")
);

-- CreateTable
CREATE TABLE "ProductNeighbour" (
    "storeId" UUID NOT NULL,
    "kind" "RecommendationKind" NOT NULL,
    "sku" TEXT NOT NULL,
    "neighbourSku" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "support" INTEGER NOT NULL,

    CONSTRAINT "ProductNeighbour_pkey" PRIMARY KEY ("storeId","kind","sku","neighbourSku")
);

-- CreateTable
CREATE TABLE "ProductPopularity" (
    "storeId" UUID NOT NULL,
    "scope" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "popularity" DOUBLE PRECISION NOT NULL,
    "trending" DOUBLE PRECISION NOT NULL,
    "buyers" INTEGER NOT NULL,

    CONSTRAINT "ProductPopularity_pkey" PRIMARY KEY ("storeId","scope","sku")
);

-- CreateTable
CREATE TABLE "RecommendationBuild" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "kind" "RecommendationBuildKind" NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3) NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "orderLines" INTEGER NOT NULL,
    "orders" INTEGER NOT NULL,
    "buyers" INTEGER NOT NULL,
    "products" INTEGER NOT NULL,
    "changedProducts" INTEGER NOT NULL,
    "neighbours" INTEGER NOT NULL,
    "watermark" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RecommendationBuild_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecommendationEvent" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "listId" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "kind" "RecommendationEventKind" NOT NULL,
    "sku" TEXT NOT NULL,
    "position" INTEGER,
    "customerId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecommendationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecommendationAttribution" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "eventId" UUID NOT NULL,
    "listId" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "revenue" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecommendationAttribution_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ProductPopularity_storeId_scope_popularity_idx" ON "ProductPopularity"("storeId", "scope", "popularity");

-- CreateIndex
CREATE INDEX "RecommendationBuild_storeId_finishedAt_idx" ON "RecommendationBuild"("storeId", "finishedAt");

-- CreateIndex
CREATE INDEX "RecommendationEvent_customerId_kind_createdAt_idx" ON "RecommendationEvent"("customerId", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "RecommendationEvent_storeId_createdAt_idx" ON "RecommendationEvent"("storeId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RecommendationEvent_storeId_listId_kind_sku_key" ON "RecommendationEvent"("storeId", "listId", "kind", "sku");

-- CreateIndex
CREATE INDEX "RecommendationAttribution_storeId_createdAt_idx" ON "RecommendationAttribution"("storeId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "RecommendationAttribution_orderId_sku_key" ON "RecommendationAttribution"("orderId", "sku");

-- CreateIndex
CREATE INDEX "Order_storeId_updatedAt_idx" ON "Order"("storeId", "updatedAt");

-- AddForeignKey
ALTER TABLE "RecommendationSettings" ADD CONSTRAINT "RecommendationSettings_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductNeighbour" ADD CONSTRAINT "ProductNeighbour_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductPopularity" ADD CONSTRAINT "ProductPopularity_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecommendationBuild" ADD CONSTRAINT "RecommendationBuild_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecommendationEvent" ADD CONSTRAINT "RecommendationEvent_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecommendationEvent" ADD CONSTRAINT "RecommendationEvent_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecommendationAttribution" ADD CONSTRAINT "RecommendationAttribution_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecommendationAttribution" ADD CONSTRAINT "RecommendationAttribution_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RecommendationAttribution" ADD CONSTRAINT "RecommendationAttribution_eventId_fkey" FOREIGN KEY ("eventId") REFERENCES "RecommendationEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

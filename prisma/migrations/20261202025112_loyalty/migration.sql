-- CreateEnum
CREATE TYPE "RewardKind" AS ENUM ('FIXED_DISCOUNT', 'PERCENT_DISCOUNT', 'FREE_PRODUCT', 'FREE_SHIPPING', 'CUSTOM');

-- CreateEnum
CREATE TYPE "PointsKind" AS ENUM ('EARN', 'REDEEM', 'EXPIRE', 'REVERSE', 'ADJUST');

-- CreateEnum
CREATE TYPE "RewardCodeStatus" AS ENUM ('ISSUED', 'CONSUMED', 'CANCELLED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "ReferralStatus" AS ENUM ('PENDING', 'QUALIFIED', 'COMPLETED', 'VOID');

-- CreateTable
CREATE TABLE "LoyaltyProgram" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "name" TEXT NOT NULL DEFAULT 'Rewards',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "referralUrl" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LoyaltyProgram_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltyProgramVersion" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "programId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "effectiveFrom" TIMESTAMPTZ(3) NOT NULL,
    "rules" JSONB NOT NULL,
    "note" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoyaltyProgramVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reward" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "translations" JSONB NOT NULL DEFAULT '{}',
    "kind" "RewardKind" NOT NULL,
    "value" INTEGER,
    "currency" CHAR(3),
    "productSku" TEXT,
    "pointsCost" INTEGER NOT NULL,
    "stock" INTEGER,
    "perCustomerLimit" INTEGER,
    "minimumOrder" INTEGER,
    "availableFrom" TIMESTAMPTZ(3),
    "availableUntil" TIMESTAMPTZ(3),
    "codeValidDays" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Reward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoyaltyAccount" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "balance" INTEGER NOT NULL DEFAULT 0,
    "lifetimeEarned" INTEGER NOT NULL DEFAULT 0,
    "lifetimeRedeemed" INTEGER NOT NULL DEFAULT 0,
    "lifetimeExpired" INTEGER NOT NULL DEFAULT 0,
    "tierKey" TEXT,
    "tierSince" TIMESTAMPTZ(3),
    "tierHoldUntil" TIMESTAMPTZ(3),
    "referralCode" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LoyaltyAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PointsTransaction" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "kind" "PointsKind" NOT NULL,
    "points" INTEGER NOT NULL,
    "shortfall" INTEGER NOT NULL DEFAULT 0,
    "balanceAfter" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "sourceRef" TEXT,
    "reason" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3),
    "actor" TEXT NOT NULL DEFAULT 'system',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "occurredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PointsTransaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PointsLot" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "transactionId" UUID NOT NULL,
    "points" INTEGER NOT NULL,
    "remaining" INTEGER NOT NULL,
    "earnedAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3),
    "warnedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PointsLot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RewardCode" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "rewardId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "status" "RewardCodeStatus" NOT NULL DEFAULT 'ISSUED',
    "pointsCost" INTEGER NOT NULL,
    "redeemTransactionId" UUID NOT NULL,
    "refundTransactionId" UUID,
    "expiresAt" TIMESTAMPTZ(3),
    "consumedAt" TIMESTAMPTZ(3),
    "consumedOrderRef" TEXT,
    "cancelledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RewardCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Referral" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "referrerId" UUID NOT NULL,
    "refereeId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "status" "ReferralStatus" NOT NULL DEFAULT 'PENDING',
    "qualifyingOrderId" UUID,
    "referrerRewardDueAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Referral_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyProgram_storeId_key" ON "LoyaltyProgram"("storeId");

-- CreateIndex
CREATE INDEX "LoyaltyProgramVersion_storeId_effectiveFrom_idx" ON "LoyaltyProgramVersion"("storeId", "effectiveFrom");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyProgramVersion_storeId_version_key" ON "LoyaltyProgramVersion"("storeId", "version");

-- CreateIndex
CREATE INDEX "Reward_storeId_active_pointsCost_idx" ON "Reward"("storeId", "active", "pointsCost");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyAccount_customerId_key" ON "LoyaltyAccount"("customerId");

-- CreateIndex
CREATE INDEX "LoyaltyAccount_storeId_tierKey_idx" ON "LoyaltyAccount"("storeId", "tierKey");

-- CreateIndex
CREATE UNIQUE INDEX "LoyaltyAccount_storeId_referralCode_key" ON "LoyaltyAccount"("storeId", "referralCode");

-- CreateIndex
CREATE INDEX "PointsTransaction_customerId_id_idx" ON "PointsTransaction"("customerId", "id" DESC);

-- CreateIndex
CREATE INDEX "PointsTransaction_storeId_id_idx" ON "PointsTransaction"("storeId", "id" DESC);

-- CreateIndex
CREATE INDEX "PointsTransaction_storeId_source_sourceRef_idx" ON "PointsTransaction"("storeId", "source", "sourceRef");

-- CreateIndex
CREATE UNIQUE INDEX "PointsTransaction_storeId_idempotencyKey_key" ON "PointsTransaction"("storeId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "PointsLot_transactionId_key" ON "PointsLot"("transactionId");

-- CreateIndex
CREATE INDEX "PointsLot_customerId_expiresAt_earnedAt_idx" ON "PointsLot"("customerId", "expiresAt", "earnedAt");

-- CreateIndex
CREATE INDEX "PointsLot_storeId_expiresAt_idx" ON "PointsLot"("storeId", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "RewardCode_redeemTransactionId_key" ON "RewardCode"("redeemTransactionId");

-- CreateIndex
CREATE UNIQUE INDEX "RewardCode_refundTransactionId_key" ON "RewardCode"("refundTransactionId");

-- CreateIndex
CREATE INDEX "RewardCode_customerId_rewardId_status_idx" ON "RewardCode"("customerId", "rewardId", "status");

-- CreateIndex
CREATE INDEX "RewardCode_storeId_status_expiresAt_idx" ON "RewardCode"("storeId", "status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "RewardCode_storeId_code_key" ON "RewardCode"("storeId", "code");

-- CreateIndex
CREATE INDEX "Referral_storeId_referrerId_idx" ON "Referral"("storeId", "referrerId");

-- CreateIndex
CREATE INDEX "Referral_storeId_status_referrerRewardDueAt_idx" ON "Referral"("storeId", "status", "referrerRewardDueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Referral_storeId_refereeId_key" ON "Referral"("storeId", "refereeId");

-- AddForeignKey
ALTER TABLE "LoyaltyProgram" ADD CONSTRAINT "LoyaltyProgram_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoyaltyProgramVersion" ADD CONSTRAINT "LoyaltyProgramVersion_programId_fkey" FOREIGN KEY ("programId") REFERENCES "LoyaltyProgram"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_storeId_fkey" FOREIGN KEY ("storeId") REFERENCES "Store"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LoyaltyAccount" ADD CONSTRAINT "LoyaltyAccount_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RewardCode" ADD CONSTRAINT "RewardCode_rewardId_fkey" FOREIGN KEY ("rewardId") REFERENCES "Reward"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Guards the schema language cannot express.
ALTER TABLE "LoyaltyAccount" ADD CONSTRAINT "LoyaltyAccount_balance_nonnegative" CHECK ("balance" >= 0);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_stock_nonnegative" CHECK ("stock" IS NULL OR "stock" >= 0);
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_pointsCost_positive" CHECK ("pointsCost" > 0);
ALTER TABLE "PointsLot" ADD CONSTRAINT "PointsLot_remaining_range" CHECK ("remaining" >= 0 AND "remaining" <= "points");
ALTER TABLE "PointsTransaction" ADD CONSTRAINT "PointsTransaction_shortfall_nonnegative" CHECK ("shortfall" >= 0);
-- The ledger is append-only.
CREATE FUNCTION "kanta_points_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'PointsTransaction rows are append-only';
END $$;
CREATE TRIGGER "PointsTransaction_append_only" BEFORE UPDATE ON "PointsTransaction"
  FOR EACH ROW EXECUTE FUNCTION "kanta_points_append_only"();

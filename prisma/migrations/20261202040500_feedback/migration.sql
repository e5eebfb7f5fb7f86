-- CreateEnum
CREATE TYPE "SurveyType" AS ENUM ('NPS', 'CSAT', 'CES');

-- CreateEnum
CREATE TYPE "SurveyTrigger" AS ENUM ('AFTER_ORDER', 'AFTER_SUPPORT', 'ALWAYS_ON');

-- CreateEnum
CREATE TYPE "InvitationStatus" AS ENUM ('SCHEDULED', 'DUE', 'ANSWERED', 'SKIPPED');

-- CreateEnum
CREATE TYPE "ResponseVia" AS ENUM ('SHOPPER', 'LINK', 'ANONYMOUS', 'ADMIN');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'RESOLVED', 'DISMISSED');

-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('PENDING', 'PUBLISHED', 'REJECTED');

-- CreateTable
CREATE TABLE "FeedbackSettings" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "contactCapDays" INTEGER NOT NULL DEFAULT 30,
    "autoPublish" TEXT NOT NULL DEFAULT 'VERIFIED',
    "reviewsPerDay" INTEGER NOT NULL DEFAULT 5,
    "responseEditMinutes" INTEGER NOT NULL DEFAULT 30,
    "reviewRequestDelayHours" INTEGER,
    "linkSecret" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FeedbackSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Survey" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" "SurveyType" NOT NULL,
    "trigger" "SurveyTrigger" NOT NULL,
    "texts" JSONB NOT NULL DEFAULT '{}',
    "allowComment" BOOLEAN NOT NULL DEFAULT true,
    "allowAnonymous" BOOLEAN NOT NULL DEFAULT false,
    "delayHours" INTEGER NOT NULL DEFAULT 72,
    "channels" "OrderChannel"[] DEFAULT ARRAY[]::"OrderChannel"[],
    "caseThreshold" INTEGER,
    "caseDueHours" INTEGER NOT NULL DEFAULT 48,
    "linkValidHours" INTEGER NOT NULL DEFAULT 336,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyInvitation" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "surveyId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "orderId" UUID,
    "sourceRef" TEXT NOT NULL,
    "channel" "OrderChannel",
    "status" "InvitationStatus" NOT NULL DEFAULT 'SCHEDULED',
    "skipReason" TEXT,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SurveyInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SurveyResponse" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "surveyId" UUID NOT NULL,
    "type" "SurveyType" NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "customerId" UUID,
    "orderId" UUID,
    "invitationId" UUID,
    "channel" "OrderChannel",
    "locale" TEXT,
    "location" TEXT,
    "productSkus" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "via" "ResponseVia" NOT NULL,
    "dedupeKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SurveyResponse_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedbackAsk" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "refId" TEXT NOT NULL,
    "askedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FeedbackAsk_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FollowUpCase" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "responseId" UUID NOT NULL,
    "customerId" UUID,
    "status" "CaseStatus" NOT NULL DEFAULT 'OPEN',
    "assignee" TEXT,
    "reply" TEXT,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "firstResponseAt" TIMESTAMPTZ(3),
    "resolvedAt" TIMESTAMPTZ(3),
    "resurvey" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FollowUpCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseNote" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "author" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Review" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "productId" UUID,
    "customerId" UUID,
    "authorName" TEXT,
    "rating" INTEGER NOT NULL,
    "title" TEXT,
    "body" TEXT NOT NULL,
    "photoUrls" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "locale" TEXT,
    "status" "ReviewStatus" NOT NULL DEFAULT 'PENDING',
    "verifiedPurchase" BOOLEAN NOT NULL DEFAULT false,
    "verifiedOrderId" UUID,
    "contentHash" TEXT NOT NULL,
    "helpfulCount" INTEGER NOT NULL DEFAULT 0,
    "reply" TEXT,
    "repliedAt" TIMESTAMPTZ(3),
    "rejectReason" TEXT,
    "publishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewVote" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "reviewId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewVote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewModeration" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "reviewId" UUID NOT NULL,
    "fromStatus" "ReviewStatus",
    "toStatus" "ReviewStatus" NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewModeration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductRating" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "sum" INTEGER NOT NULL DEFAULT 0,
    "stars1" INTEGER NOT NULL DEFAULT 0,
    "stars2" INTEGER NOT NULL DEFAULT 0,
    "stars3" INTEGER NOT NULL DEFAULT 0,
    "stars4" INTEGER NOT NULL DEFAULT 0,
    "stars5" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ProductRating_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewRequest" (
    "id" UUID NOT NULL,
    "storeId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "skus" TEXT[],
    "status" "InvitationStatus" NOT NULL DEFAULT 'SCHEDULED',
    "skipReason" TEXT,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ReviewRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FeedbackSettings_storeId_key" ON "FeedbackSettings"("storeId");

-- CreateIndex
CREATE INDEX "Survey_storeId_trigger_active_idx" ON "Survey"("storeId", "trigger", "active");

-- CreateIndex
CREATE UNIQUE INDEX "Survey_storeId_name_key" ON "Survey"("storeId", "name");

-- CreateIndex
CREATE INDEX "SurveyInvitation_storeId_status_dueAt_idx" ON "SurveyInvitation"("storeId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "SurveyInvitation_customerId_idx" ON "SurveyInvitation"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyInvitation_surveyId_sourceRef_key" ON "SurveyInvitation"("surveyId", "sourceRef");

-- CreateIndex
CREATE INDEX "SurveyResponse_storeId_createdAt_idx" ON "SurveyResponse"("storeId", "createdAt");

-- CreateIndex
CREATE INDEX "SurveyResponse_storeId_type_createdAt_idx" ON "SurveyResponse"("storeId", "type", "createdAt");

-- CreateIndex
CREATE INDEX "SurveyResponse_customerId_idx" ON "SurveyResponse"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyResponse_surveyId_dedupeKey_key" ON "SurveyResponse"("surveyId", "dedupeKey");

-- CreateIndex
CREATE INDEX "FeedbackAsk_customerId_askedAt_idx" ON "FeedbackAsk"("customerId", "askedAt");

-- CreateIndex
CREATE UNIQUE INDEX "FeedbackAsk_storeId_kind_refId_key" ON "FeedbackAsk"("storeId", "kind", "refId");

-- CreateIndex
CREATE UNIQUE INDEX "FollowUpCase_responseId_key" ON "FollowUpCase"("responseId");

-- CreateIndex
CREATE INDEX "FollowUpCase_storeId_status_dueAt_idx" ON "FollowUpCase"("storeId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "FollowUpCase_storeId_assignee_status_idx" ON "FollowUpCase"("storeId", "assignee", "status");

-- CreateIndex
CREATE INDEX "CaseNote_caseId_createdAt_idx" ON "CaseNote"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "Review_storeId_sku_status_createdAt_idx" ON "Review"("storeId", "sku", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Review_storeId_status_createdAt_idx" ON "Review"("storeId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Review_storeId_contentHash_idx" ON "Review"("storeId", "contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "Review_storeId_sku_customerId_key" ON "Review"("storeId", "sku", "customerId");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewVote_reviewId_customerId_key" ON "ReviewVote"("reviewId", "customerId");

-- CreateIndex
CREATE INDEX "ReviewModeration_reviewId_createdAt_idx" ON "ReviewModeration"("reviewId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ProductRating_storeId_sku_key" ON "ProductRating"("storeId", "sku");

-- CreateIndex
CREATE INDEX "ReviewRequest_storeId_status_dueAt_idx" ON "ReviewRequest"("storeId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "ReviewRequest_customerId_idx" ON "ReviewRequest"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewRequest_storeId_orderId_key" ON "ReviewRequest"("storeId", "orderId");

-- AddForeignKey
ALTER TABLE "SurveyInvitation" ADD CONSTRAINT "SurveyInvitation_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseNote" ADD CONSTRAINT "CaseNote_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "FollowUpCase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewVote" ADD CONSTRAINT "ReviewVote_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewModeration" ADD CONSTRAINT "ReviewModeration_reviewId_fkey" FOREIGN KEY ("reviewId") REFERENCES "Review"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Guards the schema language cannot express: score ranges per survey type, star ratings, counters.
ALTER TABLE "SurveyResponse" ADD CONSTRAINT "SurveyResponse_score_range" CHECK (
  ("type" = 'NPS' AND "score" BETWEEN 0 AND 10) OR
  ("type" = 'CSAT' AND "score" BETWEEN 1 AND 5) OR
  ("type" = 'CES' AND "score" BETWEEN 1 AND 7));
ALTER TABLE "Review" ADD CONSTRAINT "Review_rating_range" CHECK ("rating" BETWEEN 1 AND 5);
ALTER TABLE "Review" ADD CONSTRAINT "Review_helpfulCount_nonnegative" CHECK ("helpfulCount" >= 0);
ALTER TABLE "ProductRating" ADD CONSTRAINT "ProductRating_counts_consistent" CHECK (
  "count" >= 0 AND "stars1" >= 0 AND "stars2" >= 0 AND "stars3" >= 0 AND "stars4" >= 0 AND "stars5" >= 0 AND
  "count" = "stars1" + "stars2" + "stars3" + "stars4" + "stars5" AND
  "sum" = "stars1" + 2 * "stars2" + 3 * "stars3" + 4 * "stars4" + 5 * "stars5");
ALTER TABLE "FeedbackSettings" ADD CONSTRAINT "FeedbackSettings_autoPublish" CHECK ("autoPublish" IN ('NONE', 'VERIFIED', 'ALL'));

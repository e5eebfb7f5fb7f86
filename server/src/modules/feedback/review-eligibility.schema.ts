import { builder } from '../../builder.ts';
import { ShopperRef, type ShopperShape } from '../customers/me.schema.ts';
import { canReviewSku } from './review-eligibility.service.ts';

builder.objectFields(ShopperRef, (t) => ({
  canReview: t.boolean({
    description:
      'The shopper bought this sku (not cancelled, any channel), so their review would be a verified purchase: where storefronts offer a review form.',
    args: { sku: t.arg.string({ required: true }) },
    resolve: (shopper: ShopperShape, args, context) =>
      canReviewSku(context.prisma, shopper.storeId, shopper.customerId, args.sku),
  }),
}));

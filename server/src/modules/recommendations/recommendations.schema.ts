import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, rethrowAsBadUserInput } from '../../errors.ts';
import { OrderChannelEnum } from '../customers/customers.schema.ts';
import { ShopperRef } from '../customers/me.schema.ts';
import { resolveShopper } from '../customers/shopper.ts';
import {
  basketRecommendations,
  customerRecommendations,
  DEFAULT_FIRST,
  MAX_BASKET_SKUS,
  MAX_EXCLUDE_SKUS,
  MAX_FIRST,
  productRecommendations,
  RECOMMENDATION_SOURCES,
  type RecommendationList,
  type RecommendedItem,
  type ServeOptions,
} from './serving.service.ts';
import {
  MAX_SETTINGS_LIST_ITEMS,
  MAX_SETTINGS_VALUE_LENGTH,
  type RecommendationSettingsView,
  recommendationSettings,
  updateRecommendationSettings,
} from './settings.service.ts';

/**
 * Public recommendation lists (any key): on a product (`product(sku) { recommendations }`), for a
 * cart (`recommendations(skus)`) and for the signed-in shopper (`me { recommendations }`); the admin
 * merchandising settings. Thin resolvers over serving.service.ts and settings.service.ts.
 */

export const RecommendationStrategyEnum = builder.enumType('RecommendationStrategy', {
  description: 'How a recommendation list, or one item of it, was made.',
  values: {
    ALSO_BOUGHT: { description: 'Customers who bought the product also bought these (co-purchase by customer).' },
    BOUGHT_TOGETHER: { description: 'Frequently bought together in the same order (for a product or a cart).' },
    PERSONAL: { description: 'From the shopper’s own purchases, through the products bought by the same customers.' },
    CATEGORY: {
      description:
        'Popular in the same categories as the product, cart or shopper’s purchases, or a new product of that category.',
    },
    TRENDING: { description: 'Bought by more customers in the last 14 days than in the 8 weeks before.' },
    POPULAR: { description: 'Bought by the most customers recently (store-wide or in the channel).' },
    PINNED: { description: 'Pinned by the store in its recommendation settings.' },
  } satisfies Record<(typeof RECOMMENDATION_SOURCES)[number], { description: string }>,
});

export const RecommendationKindEnum = builder.enumType('RecommendationKind', {
  description: 'Which co-purchase list of a product to show.',
  values: {
    ALSO_BOUGHT: { description: 'Bought by the same customers (in any order).' },
    BOUGHT_TOGETHER: { description: 'Bought in the same orders.' },
  } as const,
});

const RecommendationPlacementEnum = builder.enumType('RecommendationPlacement', {
  description: 'Where the storefront shows the list; it does not change the list yet.',
  values: {
    PRODUCT_PAGE: { description: 'On a product page.' },
    CART: { description: 'In the cart or checkout.' },
    HOME: { description: 'On the home page.' },
    ACCOUNT: { description: 'In the shopper’s account pages.' },
    POST_PURCHASE: { description: 'After an order was placed (confirmation page, email).' },
  } as const,
});

const RecommendationContextInput = builder.inputType('RecommendationContext', {
  description: 'Where and how the list is shown.',
  fields: (t) => ({
    placement: t.field({ type: RecommendationPlacementEnum, description: 'Where the list is shown.' }),
    channel: t.field({
      type: OrderChannelEnum,
      description:
        'The channel the shopper is in: popularity is read in that channel when it has any sales, else across channels.',
    }),
    excludeSkus: t.stringList({
      description: `Never recommended, e.g. the products the page already shows (at most ${MAX_EXCLUDE_SKUS}).`,
    }),
  }),
});

const RecommendationRef = builder.objectRef<RecommendedItem>('Recommendation').implement({
  description:
    'One recommended product: always active and in stock, never the viewed product, a product in the cart or another store’s product.',
  fields: (t) => ({
    // Served rows carry every catalogue column; relations the client selects load in batches.
    product: t.prismaField({
      type: 'Product',
      description: 'The recommended product.',
      resolve: (_query, item) => item.product,
    }),
    position: t.exposeInt('position', {
      description: '1-based place in the list; report it with clicks (`trackRecommendationEvent`).',
    }),
    score: t.exposeFloat('score', {
      description:
        'The ranking score within the item’s source, after boost (× 2) and bury (× 0.25) tags; scores of different sources are not comparable. 0 for the new-product slot and pinned products.',
    }),
    source: t.field({
      type: RecommendationStrategyEnum,
      description: 'Which model or fallback put the product in the list.',
      resolve: (item) => item.source,
    }),
    because: t.stringList({
      description:
        'The skus that led to it, strongest first (up to 3): the viewed product, cart items or the shopper’s purchases. Empty for fallbacks.',
      resolve: (item) => item.because,
    }),
  }),
});

const RecommendationListRef = builder.objectRef<RecommendationList>('RecommendationList').implement({
  description:
    'A served list of recommendations. Nothing is stored when it is served; report what was shown and clicked with its `id`.',
  fields: (t) => ({
    id: t.exposeString('id', {
      description:
        'Identifies this list for `trackRecommendationEvent` (valid for 30 days): `rec_<strategy>_<time-ordered id>`.',
    }),
    strategy: t.field({
      type: RecommendationStrategyEnum,
      description:
        'The model asked for: ALSO_BOUGHT or BOUGHT_TOGETHER on a product, BOUGHT_TOGETHER for a cart, PERSONAL for a shopper with purchases, else TRENDING or POPULAR. Items may come from fallbacks (see `source`).',
      resolve: (list) => list.strategy,
    }),
    items: t.field({
      type: [RecommendationRef],
      description: 'Best first; fewer than asked only when the store has too few eligible products.',
      // The list's `first` already multiplies the cost of everything selected below it.
      complexity: { field: 0, multiplier: 1 },
      resolve: (list) => list.items,
    }),
  }),
});

const firstArg = {
  required: false,
  defaultValue: DEFAULT_FIRST,
  description: `How many products (1–${MAX_FIRST}).`,
} as const;

type ContextInput = typeof RecommendationContextInput.$inferInput | null | undefined;

function serveOptions(first: number | null | undefined, context: ContextInput): ServeOptions {
  return {
    first: first ?? DEFAULT_FIRST,
    channel: context?.channel ?? null,
    excludeSkus: context?.excludeSkus ?? null,
  };
}

builder.prismaObjectFields('Product', (t) => ({
  recommendations: t.field({
    type: RecommendationListRef,
    description:
      'Products to show with this one (any key): what its buyers also bought (ALSO_BOUGHT) or what is bought in the same orders (BOUGHT_TOGETHER), filled with popular products of its category and the store when the models know too little.',
    select: { sku: true },
    args: {
      first: t.arg.int(firstArg),
      kind: t.arg({ type: RecommendationKindEnum, required: false, defaultValue: 'ALSO_BOUGHT' }),
      context: t.arg({ type: RecommendationContextInput, required: false }),
    },
    resolve: (product, args, context) =>
      productRecommendations(context.prisma, storeIdOf(context), product.sku, {
        ...serveOptions(args.first, args.context),
        kind: args.kind ?? 'ALSO_BOUGHT',
      }).catch(rethrowAsBadUserInput),
  }),
}));

builder.queryField('recommendations', (t) =>
  t.field({
    type: RecommendationListRef,
    description: `Frequently bought together for a cart (any key; up to ${MAX_BASKET_SKUS} skus). With a customer token, what the shopper already bought is left out (repeat-purchase products excepted); an empty cart gets the shopper’s personal list, or the store’s trending and popular products.`,
    args: {
      skus: t.arg.stringList({ required: true, description: 'The cart’s skus.' }),
      first: t.arg.int(firstArg),
      context: t.arg({ type: RecommendationContextInput, required: false }),
    },
    resolve: async (_root, args, context) => {
      const customerId = await resolveShopper(context.prisma, context.principal);
      return basketRecommendations(context.prisma, storeIdOf(context), args.skus, {
        ...serveOptions(args.first, args.context),
        customerId,
      }).catch(rethrowAsBadUserInput);
    },
  }),
);

builder.objectField(ShopperRef, 'recommendations', (t) =>
  t.field({
    type: RecommendationListRef,
    description:
      'The shopper’s personal list from their purchases; what they bought is left out unless it is a repeat-purchase product. A shopper without purchases gets the store’s trending and popular products.',
    args: {
      first: t.arg.int(firstArg),
      context: t.arg({ type: RecommendationContextInput, required: false }),
    },
    resolve: (shopper, args, context) =>
      customerRecommendations(
        context.prisma,
        shopper.storeId,
        shopper.customerId,
        serveOptions(args.first, args.context),
      ).catch(rethrowAsBadUserInput),
  }),
);

// ---------------------------------------------------------------------------------------------
// Settings (admin)

const RecommendationSettingsRef = builder.objectRef<RecommendationSettingsView>('RecommendationSettings').implement({
  description:
    'The store’s merchandising rules for recommendation lists and its model settings (defaults until changed).',
  fields: (t) => ({
    excludeCategories: t.exposeStringList('excludeCategories', {
      description: 'Products with one of these categories anywhere in their path are never recommended.',
    }),
    boostTags: t.exposeStringList('boostTags', { description: 'Products with one of these tags score × 2.' }),
    buryTags: t.exposeStringList('buryTags', {
      description: 'Products with one of these tags score × 0.25 (bury wins over boost).',
    }),
    pinnedSkus: t.exposeStringList('pinnedSkus', {
      description:
        'Shown first in every list, in this order, when active, in stock and not excluded (the viewed product, the cart, bought by the shopper).',
    }),
    maxPerCategory: t.exposeInt('maxPerCategory', {
      description: 'At most this many products of one category (the last of the path) per list; 0: no limit.',
    }),
    repeatPurchaseTags: t.exposeStringList('repeatPurchaseTags', {
      description: 'Products with these tags are recommended even to shoppers who bought them (consumables).',
    }),
    repeatPurchaseCategories: t.exposeStringList('repeatPurchaseCategories', {
      description: 'Same, for products with one of these categories anywhere in their path.',
    }),
    attributionDays: t.exposeInt('attributionDays', {
      description: 'An order is credited to a recommendation clicked at most this many days before it.',
    }),
    halfLifeDays: t.exposeInt('halfLifeDays', {
      description: 'Half-life of a purchase’s weight in the co-purchase models (applies from the next rebuild).',
    }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Null until the settings were first changed.',
    }),
  }),
});

const listLimits = `At most ${MAX_SETTINGS_LIST_ITEMS} items of 1–${MAX_SETTINGS_VALUE_LENGTH} characters; replaces the stored list.`;

const RecommendationSettingsInput = builder.inputType('RecommendationSettingsInput', {
  description: 'Fields to change; omitted or null fields stay as they are.',
  fields: (t) => ({
    excludeCategories: t.stringList({ description: listLimits }),
    boostTags: t.stringList({ description: listLimits }),
    buryTags: t.stringList({ description: listLimits }),
    pinnedSkus: t.stringList({ description: `${listLimits} The order is the order in lists.` }),
    maxPerCategory: t.int({ description: '0–50 (0: no limit).' }),
    repeatPurchaseTags: t.stringList({ description: listLimits }),
    repeatPurchaseCategories: t.stringList({ description: listLimits }),
    attributionDays: t.int({ description: '1–90.' }),
    halfLifeDays: t.int({ description: '7–3650.' }),
  }),
});

builder.queryField('recommendationSettings', (t) =>
  t.field({
    type: RecommendationSettingsRef,
    authScopes: { admin: true },
    description: 'The store’s recommendation settings (the defaults until changed).',
    resolve: (_root, _args, context) => recommendationSettings(context.prisma, storeIdOf(context)),
  }),
);

builder.mutationField('updateRecommendationSettings', (t) =>
  t.field({
    type: RecommendationSettingsRef,
    authScopes: { admin: true },
    description:
      'Changes the store’s recommendation settings; lists use them at once, the model half-life from the next rebuild.',
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: RecommendationSettingsInput, required: true }) },
    resolve: (_root, { input }, context) => updateRecommendationSettings(context.prisma, storeIdOf(context), input),
  }),
);

import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { rethrowAsBadUserInput } from '../../errors.ts';
import { type BuildReport, MAX_BUILDS_LISTED, rebuildRecommendations, recommendationBuilds } from './build.service.ts';

/**
 * Admin-only model builds: rebuilding the store's recommendation models now and the history of builds.
 * Thin resolvers over build.service.ts; the scheduled builds run in jobs.service.ts.
 */

const RecommendationBuildKindEnum = builder.enumType('RecommendationBuildKind', {
  description: 'How a build recomputed the recommendation models.',
  values: {
    FULL: { description: 'Every neighbour list and the popularity of every product.' },
    INCREMENTAL: {
      description:
        'Only the neighbour lists of products named by orders changed since the previous build (and those products in other lists); popularity in full.',
    },
  } as const,
});

const RecommendationBuildRef = builder.objectRef<BuildReport>('RecommendationBuild').implement({
  description:
    'One rebuild of the store’s recommendation models (co-purchase neighbours and popularity): what it read and wrote.',
  fields: (t) => ({
    id: t.exposeID('id'),
    kind: t.field({ type: RecommendationBuildKindEnum, resolve: (build) => build.kind }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', description: 'When the new models were committed.' }),
    durationMs: t.exposeInt('durationMs', { description: 'Reading, computing and writing.' }),
    orderLines: t.exposeInt('orderLines', {
      description: 'Product lines of sales read (returned-in-full, cancelled and non-product lines left out).',
    }),
    orders: t.exposeInt('orders', { description: 'Sales with at least one such line.' }),
    buyers: t.exposeInt('buyers', { description: 'Distinct customers; each guest order counts as one.' }),
    products: t.exposeInt('products', { description: 'Distinct skus bought.' }),
    changedProducts: t.exposeInt('changedProducts', {
      description: 'Products whose neighbour lists were recomputed (all of them for a full build).',
    }),
    neighbours: t.exposeInt('neighbours', { description: 'Neighbour rows written.' }),
    watermark: t.expose('watermark', {
      type: 'DateTime',
      description: 'Orders updated up to this instant were read; the next incremental build starts after it.',
    }),
    skipped: t.boolean({
      description:
        'True when an incremental rebuild found no order changed since the previous build: nothing was written and this is that previous build.',
      resolve: (build) => build.skipped ?? false,
    }),
  }),
});

builder.queryFields((t) => ({
  recommendationBuilds: t.field({
    type: [RecommendationBuildRef],
    authScopes: { admin: true },
    description: 'The store’s recommendation model builds, newest first.',
    args: {
      first: t.arg.int({ required: false, defaultValue: 10, description: `1–${MAX_BUILDS_LISTED}.` }),
    },
    resolve: (_root, args, context) =>
      recommendationBuilds(context.prisma, storeIdOf(context), args.first ?? 10).catch(rethrowAsBadUserInput),
  }),
}));

builder.mutationFields((t) => ({
  rebuildRecommendations: t.field({
    type: RecommendationBuildRef,
    authScopes: { admin: true },
    description:
      'Rebuilds the store’s recommendation models now: incrementally (only products named by orders changed since the last build; skipped when there are none) once a full build exists, else in full. The models are also rebuilt on a schedule.',
    args: {
      full: t.arg.boolean({
        required: false,
        defaultValue: false,
        description: 'Recompute every list, whatever changed.',
      }),
    },
    resolve: (_root, args, context) =>
      rebuildRecommendations(context.prisma, storeIdOf(context), { full: args.full ?? false }),
  }),
}));

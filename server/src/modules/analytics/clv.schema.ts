import { builder } from '../../builder.ts';
import { storeIdOf } from '../../context.ts';
import { InvalidInputError, rethrowAsBadUserInput } from '../../errors.ts';
import type { CustomerModelFit } from '../../generated/prisma/client.ts';
import { loadBatched } from '../../http/request-batch.ts';
import { ChurnRiskEnum } from './analytics.types.schema.ts';
import {
  type CustomerPredictionView,
  customerPredictions,
  type FitDiagnostics,
  fitCustomerModels,
  latestFit,
  type ModelDiagnostics,
} from './clv/clv.service.ts';

/**
 * Admin-only predicted value and churn risk: the store's newest BG/NBD + Gamma-Gamma fit, refitting,
 * and each customer's prediction. Thin resolvers over clv/clv.service.ts.
 */

const ModelDiagnosticsRef = builder.objectRef<ModelDiagnostics>('CustomerModelDiagnostics').implement({
  description: 'How one model’s maximum-likelihood fit went.',
  fields: (t) => ({
    logLikelihood: t.exposeFloat('logLikelihood', { description: 'At the fitted parameters.' }),
    converged: t.exposeBoolean('converged'),
    iterations: t.exposeInt('iterations', { description: 'Nelder–Mead iterations, restarts included.' }),
    durationMs: t.exposeFloat('durationMs'),
  }),
});

const CustomerModelFitRef = builder.objectRef<CustomerModelFit>('CustomerModelFit').implement({
  description:
    'A fit of the BG/NBD purchase model (time in weeks) and the Gamma-Gamma spend model (money in major units of `currency`) to the store’s customers, by maximum likelihood.',
  fields: (t) => ({
    id: t.exposeID('id'),
    r: t.exposeFloat('r', { description: 'BG/NBD: purchase rate ~ Gamma(r, alpha).' }),
    alpha: t.exposeFloat('alpha'),
    a: t.exposeFloat('a', { description: 'BG/NBD: dropout probability after a purchase ~ Beta(a, b).' }),
    b: t.exposeFloat('b'),
    p: t.exposeFloat('p', { nullable: true, description: 'Gamma-Gamma; null when the spend model was not fitted.' }),
    q: t.exposeFloat('q', { nullable: true }),
    gamma: t.exposeFloat('gamma', { nullable: true, description: 'In major units of the currency (dollars, euros).' }),
    calibrationEnd: t.expose('calibrationEnd', {
      type: 'DateTime',
      description: 'Purchases placed before this instant were used; customer age T is measured to its local date.',
    }),
    currency: t.exposeString('currency'),
    customers: t.exposeInt('customers', { description: 'Customers with at least one purchase (BG/NBD sample).' }),
    repeatCustomers: t.exposeInt('repeatCustomers', { description: 'Of those, customers with repeat purchase days.' }),
    fittedAt: t.expose('fittedAt', { type: 'DateTime' }),
    purchaseModel: t.field({
      type: ModelDiagnosticsRef,
      resolve: (fit) => (fit.diagnostics as unknown as FitDiagnostics).purchaseModel,
    }),
    spendModel: t.field({
      type: ModelDiagnosticsRef,
      nullable: true,
      description: 'Null when too few customers had repeat purchases to fit it (see warnings).',
      resolve: (fit) => (fit.diagnostics as unknown as FitDiagnostics).spendModel,
    }),
    logLikelihood: t.float({
      description: 'Of the purchase model (BG/NBD).',
      resolve: (fit) => (fit.diagnostics as unknown as FitDiagnostics).purchaseModel.logLikelihood,
    }),
    converged: t.boolean({
      description: 'Both fitted models converged.',
      resolve: (fit) => {
        const diagnostics = fit.diagnostics as unknown as FitDiagnostics;
        return diagnostics.purchaseModel.converged && (diagnostics.spendModel?.converged ?? true);
      },
    }),
    iterations: t.int({
      description: 'Optimiser iterations of both models.',
      resolve: (fit) => {
        const diagnostics = fit.diagnostics as unknown as FitDiagnostics;
        return diagnostics.purchaseModel.iterations + (diagnostics.spendModel?.iterations ?? 0);
      },
    }),
    durationMs: t.float({
      description: 'The whole fit: summary, both models and the predictions written.',
      resolve: (fit) => (fit.diagnostics as unknown as FitDiagnostics).durationMs,
    }),
    warnings: t.stringList({ resolve: (fit) => (fit.diagnostics as unknown as FitDiagnostics).warnings }),
  }),
});

const CustomerPredictionRef = builder.objectRef<CustomerPredictionView>('CustomerPrediction').implement({
  description:
    'One customer’s forecast from the store’s newest fit and their purchases up to now (purchase days on the store’s wall clock).',
  fields: (t) => ({
    probabilityAlive: t.exposeFloat('probabilityAlive', {
      description: '0–1; 1 for a customer without repeat purchases.',
    }),
    churnRisk: t.field({ type: ChurnRiskEnum, resolve: (prediction) => prediction.churnRisk }),
    expectedPurchases: t.exposeFloat('expectedPurchases', {
      description: 'Expected purchase days within the horizon.',
    }),
    predictedClv: t.exposeFloat('predictedClv', {
      nullable: true,
      description:
        'Expected spend within the horizon, month by month, discounted at the yearly rate; minor units. Null without a spend model.',
    }),
    averageSpend: t.exposeFloat('averageSpend', {
      nullable: true,
      description: 'The customer’s mean spend per repeat purchase day, minor units; null without repeat purchases.',
    }),
    expectedAverageSpend: t.exposeFloat('expectedAverageSpend', {
      nullable: true,
      description: 'The spend model’s expected spend per purchase for this customer, minor units.',
    }),
    repeatPurchases: t.int({ description: 'x: purchase days − 1.', resolve: (prediction) => prediction.x }),
    recencyWeeks: t.float({
      description: 't_x: weeks from the first to the last purchase day.',
      resolve: (prediction) => prediction.tx,
    }),
    ageWeeks: t.float({ description: 'T: weeks since the first purchase day.', resolve: (prediction) => prediction.T }),
    horizonDays: t.exposeInt('horizonDays'),
    discountRate: t.exposeFloat('discountRate'),
    fittedAt: t.expose('fittedAt', { type: 'DateTime', description: 'When the parameters used were fitted.' }),
  }),
});

builder.queryFields((t) => ({
  customerModel: t.field({
    type: CustomerModelFitRef,
    nullable: true,
    authScopes: { admin: true },
    description: 'The store’s newest purchase and spend model fit; null when it was never fitted.',
    resolve: (_root, _args, context) => latestFit(context.prisma, storeIdOf(context)),
  }),
}));

builder.mutationFields((t) => ({
  fitCustomerModels: t.field({
    type: CustomerModelFitRef,
    authScopes: { admin: true },
    description:
      'Fits the purchase (BG/NBD) and spend (Gamma-Gamma) models to the store’s purchases placed before calibrationEnd (default now) and recomputes every customer’s stored prediction. The spend model needs at least 20 customers with repeat purchases.',
    errors: { types: [InvalidInputError] },
    args: {
      calibrationEnd: t.arg({ type: 'DateTime', required: false, description: 'Exclusive; not in the future.' }),
    },
    resolve: async (_root, args, context) => {
      const fit = await fitCustomerModels(context.prisma, storeIdOf(context), {
        calibrationEnd: args.calibrationEnd ?? undefined,
      });
      context.events.kick();
      return fit;
    },
  }),
}));

builder.prismaObjectFields('Customer', (t) => ({
  prediction: t.field({
    type: CustomerPredictionRef,
    nullable: true,
    authScopes: { admin: true },
    description:
      'Predicted purchases, value and churn risk over the horizon from the store’s newest model fit; null when the store was never fitted or the customer has no purchase.',
    args: {
      horizonDays: t.arg.int({ required: false, defaultValue: 90, description: '1–3650.' }),
      discountRate: t.arg.float({ required: false, defaultValue: 0.1, description: 'Yearly, 0–1 (0.1 is 10 %).' }),
    },
    select: { id: true },
    // A page of customers asking for predictions costs two statements, not two per customer.
    resolve: (customer, args, context) => {
      const options = { horizonDays: args.horizonDays ?? 90, discountRate: args.discountRate ?? 0.1 };
      return loadBatched(context, `prediction:${options.horizonDays}:${options.discountRate}`, customer.id, (ids) =>
        customerPredictions(context.prisma, storeIdOf(context), ids, options),
      ).catch(rethrowAsBadUserInput);
    },
  }),
}));

import type { PrismaClient } from '../../../db/database.ts';
import { uuidv7 } from '../../../db/uuid7.ts';
import { InvalidInputError, NotFoundError } from '../../../errors.ts';
import { emit } from '../../../events/events.ts';
import type { CustomerModelFit, Prisma } from '../../../generated/prisma/client.ts';
import { currencyExponent } from '../../imports/values.ts';
import { type BgNbdParams, bgnbdData, expectedPurchases, probabilityAlive } from './bgnbd.ts';
import { fitBgNbd, fitGammaGamma } from './fit.ts';
import { expectedAverageSpend, type GammaGammaParams, gammaGammaData } from './gamma-gamma.ts';
import { type ChurnRisk, churnRiskOf, DAYS_PER_WEEK, predictedValue } from './predict.ts';
import { type CustomerSummary, customerSummaries } from './summary.service.ts';

/** Fewer customers with repeat purchases than this: the spend model is not fitted. */
export const MIN_SPEND_CUSTOMERS = 20;
/** Horizon of CustomerPrediction.expectedPurchases90. */
export const PURCHASE_HORIZON_DAYS = 90;
/** Horizon (12 mean months) and yearly discount rate of CustomerPrediction.predictedClv12. */
export const VALUE_HORIZON_DAYS = 365.25;
export const VALUE_DISCOUNT_RATE = 0.1;
const PREDICTION_BATCH = 5_000;
const PARAMETER_BOUNDS = { lower: 1e-4, upper: 1e4 };

export interface ModelDiagnostics {
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  durationMs: number;
}

/** CustomerModelFit.diagnostics. */
export interface FitDiagnostics {
  purchaseModel: ModelDiagnostics;
  /** Null when the spend model was not fitted (see warnings). */
  spendModel: ModelDiagnostics | null;
  /** The whole fit: summary query, both models, predictions written. */
  durationMs: number;
  warnings: string[];
  customers: number;
  repeatCustomers: number;
  /** Gamma-Gamma's γ is in major units of the currency: minor units / 10^currencyExponent. */
  currencyExponent: number;
}

export interface FitOptions {
  /** Purchases placed before this instant are used; T is measured to its local date. Default: now. */
  calibrationEnd?: Date;
  now?: Date;
}

/**
 * Fits the BG/NBD purchase model (every customer with a purchase before the calibration end) and the
 * Gamma-Gamma spend model (customers with repeat purchases, when at least MIN_SPEND_CUSTOMERS have
 * them), stores the fit, recomputes every customer's CustomerPrediction in bulk and emits
 * analytics.models.fitted, all in one transaction.
 */
export async function fitCustomerModels(
  prisma: PrismaClient,
  storeId: string,
  options: FitOptions = {},
): Promise<CustomerModelFit> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const calibrationEnd = options.calibrationEnd ?? now;
  if (Number.isNaN(calibrationEnd.getTime())) throw new InvalidInputError('calibrationEnd', 'must be a valid instant');
  if (calibrationEnd.getTime() > now.getTime())
    throw new InvalidInputError('calibrationEnd', 'must not be in the future');
  const store = await prisma.store.findUnique({ where: { id: storeId }, select: { defaultCurrency: true } });
  if (!store) throw new NotFoundError('Store');
  const exponent = currencyExponent(store.defaultCurrency) ?? 2;
  const unit = 10 ** exponent;

  const summaries = await customerSummaries(prisma, storeId, calibrationEnd);
  if (summaries.length === 0)
    throw new InvalidInputError(
      'store',
      `has no purchases to fit: no customer has a purchase (a sale that is not cancelled or fully returned, in ${store.defaultCurrency}) placed before calibrationEnd`,
    );
  const n = summaries.length;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  const m = new Float64Array(n);
  summaries.forEach((row, i) => {
    x[i] = row.x;
    tx[i] = row.tx;
    T[i] = row.T;
    m[i] = row.monetary / unit;
  });
  const warnings: string[] = [];
  const purchase = fitBgNbd(bgnbdData(x, tx, T), PARAMETER_BOUNDS);
  const repeatCustomers = summaries.filter((row) => row.x > 0).length;
  if (repeatCustomers === 0)
    warnings.push('no customer has a repeat purchase: the purchase model parameters are not identifiable');
  if (!purchase.converged) warnings.push('the purchase model (BG/NBD) fit did not converge');
  warnings.push(...atBounds(purchase.params));
  const spendData = gammaGammaData(x, m);
  let spend: ReturnType<typeof fitGammaGamma> | null = null;
  if (spendData.customers < MIN_SPEND_CUSTOMERS)
    warnings.push(
      `the spend model (Gamma-Gamma) was not fitted: ${spendData.customers} customers with repeat purchases of positive value, at least ${MIN_SPEND_CUSTOMERS} needed`,
    );
  else {
    spend = fitGammaGamma(spendData, PARAMETER_BOUNDS);
    if (!spend.converged) warnings.push('the spend model (Gamma-Gamma) fit did not converge');
    warnings.push(...atBounds(spend.params));
    if (spend.params.q <= 1)
      warnings.push('the spend model has q ≤ 1 (no finite mean spend): values are not predicted');
  }

  const fitId = uuidv7();
  const predictions = summaries.map((row) => predictionRow(purchase.params, spend?.params ?? null, unit, row));
  const modelDiagnostics = (fit: NonNullable<typeof spend> | typeof purchase): ModelDiagnostics => ({
    logLikelihood: fit.logLikelihood,
    iterations: fit.iterations,
    evaluations: fit.evaluations,
    converged: fit.converged,
    durationMs: Math.round(fit.durationMs * 10) / 10,
  });
  const diagnostics = (): FitDiagnostics => ({
    purchaseModel: modelDiagnostics(purchase),
    spendModel: spend ? modelDiagnostics(spend) : null,
    durationMs: Math.round(performance.now() - started),
    warnings,
    customers: n,
    repeatCustomers,
    currencyExponent: exponent,
  });

  return prisma.$transaction(
    async (tx) => {
      // Concurrent fits of one store write their predictions one after the other; the last commit wins.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`clv-fit:${storeId}`}, 0))`;
      await tx.customerModelFit.create({
        data: {
          id: fitId,
          storeId,
          ...purchase.params,
          p: spend?.params.p ?? null,
          q: spend?.params.q ?? null,
          gamma: spend?.params.gamma ?? null,
          calibrationEnd,
          currency: store.defaultCurrency,
          customers: n,
          repeatCustomers,
          diagnostics: diagnostics() as unknown as Prisma.InputJsonValue,
          fittedAt: now,
        },
      });
      for (let start = 0; start < predictions.length; start += PREDICTION_BATCH)
        await writePredictions(tx, storeId, fitId, now, predictions.slice(start, start + PREDICTION_BATCH));
      // Customers no longer summarised (no purchase before the calibration end any more) lose theirs.
      await tx.$executeRawUnsafe(
        `DELETE FROM "CustomerPrediction" WHERE "storeId" = $1::uuid AND "fitId" <> $2::uuid`,
        storeId,
        fitId,
      );
      await emit(tx, storeId, 'analytics.models.fitted', { fitId, customers: n });
      // The duration includes writing the predictions.
      return tx.customerModelFit.update({
        where: { id: fitId },
        data: { diagnostics: diagnostics() as unknown as Prisma.InputJsonValue },
      });
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

/** Parameters the optimiser pushed to its bounds (1e-4 … 1e4): the data say little about them. */
function atBounds(params: object): string[] {
  return Object.entries(params)
    .filter(([, value]) => value <= PARAMETER_BOUNDS.lower * 1.01 || value >= PARAMETER_BOUNDS.upper / 1.01)
    .map(
      ([name, value]) =>
        `${name} = ${Number(value).toPrecision(4)} is at the optimiser's bound: the data say little about it`,
    );
}

interface PredictionRow {
  customerId: string;
  repeatPurchases: number;
  recencyWeeks: number;
  ageWeeks: number;
  averageSpend: number | null;
  probabilityAlive: number;
  expectedPurchases90: number;
  predictedClv12: number | null;
  churnRisk: ChurnRisk;
}

function finiteOr<T>(value: number, fallback: T): number | T {
  return Number.isFinite(value) ? value : fallback;
}

function predictionRow(
  purchase: BgNbdParams,
  spend: GammaGammaParams | null,
  unit: number,
  row: CustomerSummary,
): PredictionRow {
  const alive = finiteOr(probabilityAlive(purchase, row.x, row.tx, row.T), 0);
  const expected = finiteOr(
    expectedPurchases(purchase, PURCHASE_HORIZON_DAYS / DAYS_PER_WEEK, row.x, row.tx, row.T),
    0,
  );
  const spendPerPurchase = spend ? expectedAverageSpend(spend, row.x, row.monetary / unit) : null;
  const value =
    spendPerPurchase === null
      ? null
      : finiteOr(
          predictedValue(purchase, spendPerPurchase * unit, row, {
            horizonDays: VALUE_HORIZON_DAYS,
            discountRate: VALUE_DISCOUNT_RATE,
          }),
          null,
        );
  return {
    customerId: row.customerId,
    repeatPurchases: row.x,
    recencyWeeks: row.tx,
    ageWeeks: row.T,
    averageSpend: row.x > 0 ? row.monetary : null,
    probabilityAlive: alive,
    expectedPurchases90: expected,
    predictedClv12: value,
    churnRisk: churnRiskOf(alive),
  };
}

/** One multi-row upsert per batch (rows passed as one jsonb parameter). */
async function writePredictions(
  tx: Prisma.TransactionClient,
  storeId: string,
  fitId: string,
  computedAt: Date,
  rows: PredictionRow[],
): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO "CustomerPrediction" ("customerId", "storeId", "fitId", "repeatPurchases", "recencyWeeks",
       "ageWeeks", "averageSpend", "probabilityAlive", "expectedPurchases90", "predictedClv12", "churnRisk", "computedAt")
     SELECT r."customerId", $1::uuid, $2::uuid, r."repeatPurchases", r."recencyWeeks", r."ageWeeks", r."averageSpend",
       r."probabilityAlive", r."expectedPurchases90", r."predictedClv12", r."churnRisk"::"ChurnRisk", $3::timestamptz
     FROM jsonb_to_recordset($4::jsonb) AS r("customerId" uuid, "repeatPurchases" int, "recencyWeeks" float8,
       "ageWeeks" float8, "averageSpend" float8, "probabilityAlive" float8, "expectedPurchases90" float8,
       "predictedClv12" float8, "churnRisk" text)
     ON CONFLICT ("customerId") DO UPDATE SET
       "storeId" = EXCLUDED."storeId", "fitId" = EXCLUDED."fitId", "repeatPurchases" = EXCLUDED."repeatPurchases",
       "recencyWeeks" = EXCLUDED."recencyWeeks", "ageWeeks" = EXCLUDED."ageWeeks", "averageSpend" = EXCLUDED."averageSpend",
       "probabilityAlive" = EXCLUDED."probabilityAlive", "expectedPurchases90" = EXCLUDED."expectedPurchases90",
       "predictedClv12" = EXCLUDED."predictedClv12", "churnRisk" = EXCLUDED."churnRisk", "computedAt" = EXCLUDED."computedAt"`,
    storeId,
    fitId,
    computedAt,
    JSON.stringify(rows),
  );
}

/** The store's newest fit, or null when it was never fitted. */
export async function latestFit(prisma: PrismaClient, storeId: string): Promise<CustomerModelFit | null> {
  return prisma.customerModelFit.findFirst({ where: { storeId }, orderBy: [{ fittedAt: 'desc' }, { id: 'desc' }] });
}

export interface PredictionOptions {
  /** 1–3650, default 90. */
  horizonDays?: number;
  /** Yearly rate 0–1, default 0.1. */
  discountRate?: number;
  /** The summary is taken up to this instant (default now). */
  now?: Date;
}

export interface CustomerPredictionView {
  probabilityAlive: number;
  /** Expected purchase days within the horizon. */
  expectedPurchases: number;
  /** Discounted expected spend within the horizon, minor units; null without a spend model. */
  predictedClv: number | null;
  churnRisk: ChurnRisk;
  /** The customer's own mean spend per repeat purchase day, minor units; null without repeat purchases. */
  averageSpend: number | null;
  /** The spend model's expected spend per purchase for this customer, minor units. */
  expectedAverageSpend: number | null;
  x: number;
  tx: number;
  T: number;
  horizonDays: number;
  discountRate: number;
  fitId: string;
  fittedAt: Date;
}

/**
 * One customer's prediction from the store's newest fit and their purchases up to now (not the fit's
 * calibration end: the parameters are the population's, the customer's history is current). Null when
 * the store was never fitted or the customer has no purchase.
 */
export async function customerPrediction(
  prisma: PrismaClient,
  storeId: string,
  customerId: string,
  options: PredictionOptions = {},
): Promise<CustomerPredictionView | null> {
  return (await customerPredictions(prisma, storeId, [customerId], options)).get(customerId) ?? null;
}

/**
 * Predictions for several customers in two statements (the newest fit, and the customers' summaries):
 * what `Customer.prediction` uses for a page of customers. Customers without purchases are missing
 * from the map; without a fit the map is empty.
 */
export async function customerPredictions(
  prisma: PrismaClient,
  storeId: string,
  customerIds: readonly string[],
  options: PredictionOptions = {},
): Promise<Map<string, CustomerPredictionView>> {
  const horizonDays = options.horizonDays ?? PURCHASE_HORIZON_DAYS;
  const discountRate = options.discountRate ?? VALUE_DISCOUNT_RATE;
  if (!(Number.isInteger(horizonDays) && horizonDays >= 1 && horizonDays <= 3650))
    throw new InvalidInputError('horizonDays', 'must be a whole number of days from 1 to 3650');
  if (!(discountRate >= 0 && discountRate <= 1))
    throw new InvalidInputError('discountRate', 'must be a yearly rate from 0 to 1 (0.1 is 10 %)');
  const predictions = new Map<string, CustomerPredictionView>();
  if (customerIds.length === 0) return predictions;
  const fit = await latestFit(prisma, storeId);
  if (!fit) return predictions;
  const rows = await customerSummaries(prisma, storeId, options.now ?? new Date(), customerIds);
  const purchase: BgNbdParams = { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b };
  const exponent = currencyExponent(fit.currency) ?? 2;
  const unit = 10 ** exponent;
  const spend =
    fit.p !== null && fit.q !== null && fit.gamma !== null ? { p: fit.p, q: fit.q, gamma: fit.gamma } : null;
  for (const row of rows) {
    const spendMajor = spend ? expectedAverageSpend(spend, row.x, row.monetary / unit) : null;
    const alive = probabilityAlive(purchase, row.x, row.tx, row.T);
    predictions.set(row.customerId, {
      probabilityAlive: alive,
      expectedPurchases: expectedPurchases(purchase, horizonDays / DAYS_PER_WEEK, row.x, row.tx, row.T),
      predictedClv:
        spendMajor === null ? null : predictedValue(purchase, spendMajor * unit, row, { horizonDays, discountRate }),
      churnRisk: churnRiskOf(alive),
      averageSpend: row.x > 0 ? row.monetary : null,
      expectedAverageSpend: spendMajor === null ? null : spendMajor * unit,
      x: row.x,
      tx: row.tx,
      T: row.T,
      horizonDays,
      discountRate,
      fitId: fit.id,
      fittedAt: fit.fittedAt,
    });
  }
  return predictions;
}

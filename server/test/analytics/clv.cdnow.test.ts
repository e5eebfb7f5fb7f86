import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerPrediction, fitCustomerModels, latestFit } from '../../src/modules/analytics/clv/clv.service.ts';
import { customerSummaries } from '../../src/modules/analytics/clv/summary.service.ts';
import { importOrdersFromFile } from '../../src/modules/imports/imports.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * The CDNOW sample (2,357 customers of the first quarter of 1997, 39 weeks of calibration to
 * 1997-09-30) fitted through Kanta's own import and summary: the parameters must be the published
 * ones (BG/NBD: Fader, Hardie & Lee 2005; Gamma-Gamma on the 946 repeat customers).
 */
const FILE = path.resolve(import.meta.dirname, '../../../../shared/data/cdnow/CDNOW_sample.txt');
const CALIBRATION_END = new Date('1997-10-01T00:00:00Z');

let app: TestApp;
let storeId: string;

beforeAll(async () => {
  if (!fs.existsSync(FILE))
    throw new Error(`the CDNOW sample is not at ${FILE}: this suite reads ../shared/data/cdnow/ beside the repository`);
  app = await createTestApp();
  const store = await app.createStore('CDNOW');
  storeId = store.id;
  await app.db.prisma.store.update({ where: { id: storeId }, data: { timezone: 'UTC', defaultCurrency: 'USD' } });
  const report = await importOrdersFromFile(app.db.prisma, storeId, FILE, { preset: 'cdnow' });
  expect(report.imported).toBe(6919);
}, 180_000);

afterAll(() => app?.close());

/** Within 1 % of the published figure (which has 3–4 significant digits). */
function near(actual: number | null | undefined, published: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - published) / published).toBeLessThan(0.01);
}

describe('CDNOW validation', () => {
  it('summarises 2,357 customers, 946 with repeat purchases, purchase days collapsed', async () => {
    const rows = await customerSummaries(app.db.prisma, storeId, CALIBRATION_END);
    expect(rows.length).toBe(2357);
    expect(rows.filter((row) => row.x > 0).length).toBe(946);
    // Customer 00004: 1997-01-01 ($29.33), 01-18 ($29.73), 08-02 ($14.96); 12-12 is after the calibration.
    const identity = await app.db.prisma.customerIdentity.findFirstOrThrow({
      where: { storeId, source: 'cdnow', externalId: '00004' },
    });
    const four = rows.find((row) => row.customerId === identity.customerId)!;
    expect(four.x).toBe(2);
    expect(four.tx).toBeCloseTo(213 / 7, 10);
    expect(four.T).toBeCloseTo(272 / 7, 10);
    expect(four.monetary).toBeCloseTo((2973 + 1496) / 2, 10);
  });

  it('fits the published parameters and writes the predictions', async () => {
    const fit = await fitCustomerModels(app.db.prisma, storeId, { calibrationEnd: CALIBRATION_END });
    near(fit.r, 0.243);
    near(fit.alpha, 4.414);
    near(fit.a, 0.793);
    near(fit.b, 2.426);
    near(fit.p, 6.25);
    near(fit.q, 3.74);
    near(fit.gamma, 15.44);
    expect(fit).toMatchObject({ customers: 2357, repeatCustomers: 946, currency: 'USD' });
    expect(fit.calibrationEnd).toEqual(CALIBRATION_END);
    const diagnostics = fit.diagnostics as Record<string, any>;
    // The published maximum of the BG/NBD log-likelihood is −9582.4.
    expect(diagnostics.purchaseModel.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(diagnostics.purchaseModel.converged).toBe(true);
    expect(diagnostics.spendModel.converged).toBe(true);
    expect(diagnostics.warnings).toEqual([]);
    expect(diagnostics.currencyExponent).toBe(2);

    const predictions = await app.db.prisma.customerPrediction.findMany({ where: { storeId } });
    expect(predictions.length).toBe(2357);
    expect(predictions.every((row) => row.fitId === fit.id)).toBe(true);
    // Customers without repeat purchases are alive by the model's definition.
    expect(predictions.filter((row) => row.repeatPurchases === 0).every((row) => row.probabilityAlive === 1)).toBe(
      true,
    );
    expect(predictions.filter((row) => row.churnRisk === 'LOW').length).toBeGreaterThan(1411);
    // FHL 2005's worked customer: x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks; the
    // 90-day figure is smaller.
    const identity = await app.db.prisma.customerIdentity.findFirstOrThrow({
      where: { storeId, source: 'cdnow', externalId: '00004' },
    });
    const four = predictions.find((row) => row.customerId === identity.customerId)!;
    expect(four.expectedPurchases90).toBeGreaterThan(0.3);
    expect(four.expectedPurchases90).toBeLessThan(1.226);
    expect(four.averageSpend).toBeCloseTo(2234.5, 6);
    expect(four.predictedClv12).toBeGreaterThan(0);
    // With a spend model every customer has a finite 12-month value.
    expect(predictions.every((row) => row.predictedClv12 !== null && Number.isFinite(row.predictedClv12))).toBe(true);

    const events = await app.db.prisma.outboxEvent.findMany({ where: { storeId, type: 'analytics.models.fitted' } });
    expect(events.map((event) => event.payload)).toEqual([{ fitId: fit.id, customers: 2357 }]);
    expect((await latestFit(app.db.prisma, storeId))?.id).toBe(fit.id);
  }, 60_000);

  it('predicts one customer on demand from the newest fit', async () => {
    const identity = await app.db.prisma.customerIdentity.findFirstOrThrow({
      where: { storeId, source: 'cdnow', externalId: '00004' },
    });
    // As of the calibration end, the 39-week forecast is the same kind as FHL's worked example.
    const asOf = await customerPrediction(app.db.prisma, storeId, identity.customerId, {
      horizonDays: 273,
      discountRate: 0,
      now: CALIBRATION_END,
    });
    expect(asOf).toMatchObject({ x: 2, horizonDays: 273, discountRate: 0, churnRisk: 'LOW' });
    expect(asOf!.expectedPurchases).toBeGreaterThan(0.5);
    expect(asOf!.predictedClv).toBeCloseTo(asOf!.expectedPurchases * asOf!.expectedAverageSpend!, 6);
    // Today (decades later, with the rest of the file) the customer is long gone.
    const now = await customerPrediction(app.db.prisma, storeId, identity.customerId);
    expect(now!.x).toBe(3);
    expect(now!.churnRisk).toBe('LOST');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOPPER, seedDemo } from '../../src/modules/demo/demo.service.ts';
import { reconcile } from '../../src/modules/loyalty/ledger.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let dir: string;
beforeAll(async () => {
  app = await createTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kanta-demo-'));
});
afterAll(async () => {
  await app?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the demo shop', () => {
  it('runs the README example program: the demo shopper has points, a tier and rewards within reach', async () => {
    const keys = await seedDemo(app.db.prisma, path.join(dir, 'demo-keys.json'), []);
    // A second run (the next `npm start`) changes nothing.
    await seedDemo(app.db.prisma, path.join(dir, 'demo-keys.json'), []);
    await app.events.drain();
    const token = await app.customerToken(keys.secretKey, DEMO_SHOPPER);
    const response = await app.gql(
      `{ me { firstName loyalty { points tier { key name } nextTier { name remaining }
           rewards(affordable: true) { name pointsCost } referral { code } } } }`,
      {},
      { key: keys.publishableKey, customerToken: token },
    );
    expect(response.errors).toBeUndefined();
    const loyalty = response.data!.me.loyalty;
    // Espresso 2 × 9.90 at 2× (Coffee) + mug 18.00 → 57; filter coffee 3 × 14.90 at 2× + tea 2 × 7.50 → 104;
    // sign-up 100 and first order 50.
    expect(loyalty.points).toBe(57 + 104 + 100 + 50);
    expect(response.data!.me.firstName).toBe('Aino');
    expect(loyalty.tier).toEqual({ key: 'member', name: 'Jäsen' });
    expect(loyalty.nextTier).toEqual({ name: 'Hopea', remaining: 500 - 311 });
    expect(loyalty.rewards.map((reward: { pointsCost: number }) => reward.pointsCost)).toEqual([150, 250]);
    expect(loyalty.referral.code).toMatch(/^[A-Z0-9]{8}$/);
    expect(await app.db.prisma.reward.count({ where: { storeId: keys.storeId } })).toBe(4);
    expect(await reconcile(app.db.prisma, keys.storeId)).toEqual([]);
    // Seeding the whole demo shop (products, shoppers, reviews, surveys, models) twice on PGlite.
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { upsertCustomer } from '../../src/modules/customers/customers.service.ts';
import { post, readAccount, reconcile } from '../../src/modules/loyalty/ledger.service.ts';
import { InsufficientPointsError } from '../../src/modules/loyalty/loyalty.errors.ts';
import { createReward, type Redemption, redeemReward } from '../../src/modules/loyalty/rewards.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/**
 * The "done when": concurrent redemptions never overspend and one idempotency key never
 * redeems twice. Meaningful on real PostgreSQL (TEST_DATABASE_URL), where the requests really run
 * in parallel on a connection pool; also run on PGlite.
 */

let app: TestApp;
let shop: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore('Concurrent redemptions');
});
afterAll(() => app.close());

const REDEEM = `mutation($rewardId: ID!, $key: String!) {
  redeemReward(rewardId: $rewardId, idempotencyKey: $key) {
    __typename
    ... on RewardRedemption { code { code status expiresAt } reward { id name } balance replayed }
    ... on InsufficientPointsError { errorCode: code message needed balance }
    ... on Error { errorCode: code message }
  }
}`;

interface RedeemResult {
  __typename: string;
  code?: { code: string; status: string; expiresAt: string | null };
  reward?: { id: string; name: string };
  balance?: number;
  replayed?: boolean;
  errorCode?: string;
  message?: string;
  needed?: number;
}

let shoppers = 0;

/** A shopper known to the store by a web identity, with `points` on their account, and their token. */
async function shopper(points: number): Promise<{ customerId: string; token: string }> {
  const externalId = `concurrent-${++shoppers}`;
  const { customerId } = await upsertCustomer(app.db.prisma, shop.id, {
    identities: [{ source: 'web', externalId }],
  });
  await post(app.db.prisma, {
    storeId: shop.id,
    customerId,
    kind: 'EARN',
    points,
    source: 'ORDER',
    reason: 'test order',
    idempotencyKey: `order:${externalId}`,
  });
  return { customerId, token: await app.customerToken(shop.secretKey, `web:${externalId}`) };
}

async function newReward(pointsCost: number, stock: number | null = null) {
  return createReward(app.db.prisma, shop.id, {
    name: `Reward ${pointsCost}`,
    kind: 'FREE_SHIPPING',
    pointsCost,
    stock,
    codeValidDays: 30,
  });
}

async function redeemOverGraphQL(token: string, rewardId: string, key: string): Promise<RedeemResult> {
  const response = await app.gql<{ redeemReward: RedeemResult }>(
    REDEEM,
    { rewardId, key },
    { key: shop.publishableKey, customerToken: token },
  );
  expect(response.errors).toBeUndefined();
  expect(response.status).toBe(200);
  return response.data!.redeemReward;
}

async function ledgerState(customerId: string) {
  const account = await readAccount(app.db.prisma, shop.id, customerId);
  const redeemRows = await app.db.prisma.pointsTransaction.findMany({ where: { customerId, kind: 'REDEEM' } });
  const codes = await app.db.prisma.rewardCode.findMany({ where: { customerId } });
  return { balance: account?.balance, redeemRows, codes };
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe('over GraphQL (shopper token)', () => {
  test('50 concurrent redemptions against a balance that covers one: one succeeds, 49 InsufficientPoints', async () => {
    const { customerId, token } = await shopper(100);
    const reward = await newReward(100);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) => redeemOverGraphQL(token, reward.id, `gql-many-${index}`)),
    );
    expect(countBy(results, (result) => result.__typename)).toEqual({
      RewardRedemption: 1,
      InsufficientPointsError: 49,
    });
    const success = results.find((result) => result.__typename === 'RewardRedemption')!;
    expect(success).toMatchObject({
      balance: 0,
      replayed: false,
      code: { status: 'ISSUED' },
      reward: { id: reward.id },
    });
    for (const failure of results.filter((result) => result.__typename === 'InsufficientPointsError'))
      expect(failure).toMatchObject({ errorCode: 'INSUFFICIENT_POINTS', needed: 100 });

    const state = await ledgerState(customerId);
    expect(state.balance).toBe(0);
    expect(state.redeemRows).toHaveLength(1);
    expect(state.codes.map((code) => code.code)).toEqual([success.code!.code]);
    expect(await reconcile(app.db.prisma, shop.id)).toEqual([]);
  });

  test('20 concurrent redemptions with one idempotency key: one ledger row, identical responses', async () => {
    const { customerId, token } = await shopper(500);
    const reward = await newReward(100, 50);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => redeemOverGraphQL(token, reward.id, 'gql-one-key')),
    );
    expect(countBy(results, (result) => result.__typename)).toEqual({ RewardRedemption: 20 });
    // Identical apart from `replayed`, which tells the one that did the work from the replays.
    expect(countBy(results, (result) => String(result.replayed))).toEqual({ false: 1, true: 19 });
    const responses = results.map(({ replayed: _replayed, ...rest }) => rest);
    for (const response of responses) expect(response).toEqual(responses[0]);
    expect(responses[0]).toMatchObject({ balance: 400, code: { status: 'ISSUED' } });

    const state = await ledgerState(customerId);
    expect(state.balance).toBe(400);
    expect(state.redeemRows).toHaveLength(1);
    expect(state.redeemRows[0]!.idempotencyKey).toBe(`redeem:${customerId}:gql-one-key`);
    expect(state.codes.map((code) => code.code)).toEqual([responses[0]!.code!.code]);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: reward.id } })).stock).toBe(49);
  });
});

describe('at the service level', () => {
  test('50 concurrent redeemReward calls against a balance that covers one: one succeeds', async () => {
    const { customerId } = await shopper(100);
    const reward = await newReward(100);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        redeemReward(app.db.prisma, {
          storeId: shop.id,
          customerId,
          rewardId: reward.id,
          idempotencyKey: `svc-${index}`,
        }),
      ),
    );
    const succeeded = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(succeeded).toHaveLength(1);
    expect(failed).toHaveLength(49);
    for (const reason of failed) {
      expect(reason).toBeInstanceOf(InsufficientPointsError);
      expect(reason).toMatchObject({ needed: 100, balance: 0 });
    }
    const state = await ledgerState(customerId);
    expect(state.balance).toBe(0);
    expect(state.redeemRows).toHaveLength(1);
    expect(state.codes).toHaveLength(1);
  });

  test('20 concurrent redeemReward calls with one key: one ledger row, the same code for all', async () => {
    const { customerId } = await shopper(500);
    const reward = await newReward(100, 50);
    const results: Redemption[] = await Promise.all(
      Array.from({ length: 20 }, () =>
        redeemReward(app.db.prisma, { storeId: shop.id, customerId, rewardId: reward.id, idempotencyKey: 'svc-one' }),
      ),
    );
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    for (const result of results) {
      expect(result.rewardCode).toEqual(results[0]!.rewardCode);
      expect(result.balance).toBe(400);
    }
    const state = await ledgerState(customerId);
    expect(state.balance).toBe(400);
    expect(state.redeemRows).toHaveLength(1);
    expect(state.codes).toHaveLength(1);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: reward.id } })).stock).toBe(49);
  });

  test('many customers racing for the last units of a stock: never oversold', async () => {
    const reward = await newReward(10, 5);
    const customers = await Promise.all(Array.from({ length: 15 }, () => shopper(10)));
    const results = await Promise.allSettled(
      customers.map(({ customerId }) =>
        redeemReward(app.db.prisma, { storeId: shop.id, customerId, rewardId: reward.id, idempotencyKey: 'last' }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(5);
    expect((await app.db.prisma.reward.findUniqueOrThrow({ where: { id: reward.id } })).stock).toBe(0);
    expect(await app.db.prisma.rewardCode.count({ where: { rewardId: reward.id } })).toBe(5);
    expect(await reconcile(app.db.prisma, shop.id)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXAMPLE_REWARDS, EXAMPLE_RULES } from '../../src/modules/loyalty/example-program.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

/** The loyalty API end to end: shopper (`me`), public (`loyaltyProgram`) and admin paths. */
let app: TestApp;
let store: CreatedStore;
const rewardIds: Record<string, string> = {};

const ERROR = '__typename ... on Error { code message }';

async function admin(query: string, variables: Record<string, unknown> = {}) {
  const response = await app.gql(query, variables, { key: store.secretKey });
  expect(response.errors).toBeUndefined();
  return response.data!;
}

let counter = 0;
/** A customer of `store` known by the web identity `ext`. */
async function customer(extra: { email?: string; locale?: string; firstName?: string } = {}) {
  const ext = `shopper-${++counter}`;
  const row = await app.db.prisma.customer.create({
    data: {
      storeId: store.id,
      firstName: extra.firstName ?? `Shopper ${counter}`,
      email: extra.email ?? `${ext}@example.com`,
      locale: extra.locale ?? null,
      identities: { create: [{ storeId: store.id, source: 'web', externalId: ext }] },
    },
  });
  const token = await app.customerToken(store.secretKey, `web:${ext}`);
  return { id: row.id, ext, token };
}

const shopper = (token: string, query: string, variables: Record<string, unknown> = {}) =>
  app.gql(query, variables, { key: store.publishableKey, customerToken: token });

async function adjust(customerId: string, points: number, key?: string) {
  const data = await admin(
    `mutation($c: ID!, $p: Int!, $k: String) { adjustPoints(customerId: $c, points: $p, reason: "Goodwill", idempotencyKey: $k) {
      ${ERROR} ... on PointsAdjustment { balance replayed transaction { id kind points source reason balanceAfter actor } }
      ... on InsufficientPointsError { needed balance } } }`,
    { c: customerId, p: points, k: key },
  );
  return data.adjustPoints;
}

const ME_LOYALTY = `{ me { id externalId firstName email loyalty {
  points lifetimePoints
  tier { key name perks earnMultiplier }
  nextTier { name remaining }
  expiringPoints { points on }
  rewards { id name pointsCost available }
  affordable: rewards(affordable: true) { name }
  history(first: 10) { edges { node { kind points reason source occurredAt balanceAfter } } pageInfo { hasNextPage endCursor } }
  referral { code url }
} } }`;

beforeAll(async () => {
  app = await createTestApp();
  store = await app.createStore('Loyal shop');
  const data = await admin(
    `mutation($input: LoyaltyProgramInput!) { updateLoyaltyProgram(input: $input) { ${ERROR} ... on LoyaltySettings { version } } }`,
    { input: { name: 'Kanta Club', referralUrl: 'https://shop.example/join', rules: EXAMPLE_RULES, note: 'launch' } },
  );
  expect(data.updateLoyaltyProgram).toEqual({ __typename: 'LoyaltySettings', version: 1 });
  for (const reward of EXAMPLE_REWARDS) {
    const created = await admin(
      `mutation($input: RewardInput!) { createReward(input: $input) { ${ERROR} ... on Reward { id name } } }`,
      { input: reward },
    );
    expect(created.createReward.__typename).toBe('Reward');
    rewardIds[reward.name] = created.createReward.id;
  }
});
afterAll(() => app.close());

describe('public program (publishable key, no token)', () => {
  const PROGRAM = `query($locale: String) { loyaltyProgram(locale: $locale) {
    name enabled currency
    waysToEarn { action points description }
    earning { pointsPerUnit rounding }
    tiers { key name threshold metric earnMultiplier perks }
    rewards { id name description kind value currency pointsCost available }
    referral { enabled refereePoints referrerPoints }
  } }`;

  test('shows the ways to earn, tiers, rewards and referral terms', async () => {
    const response = await app.gql(PROGRAM, {}, { key: store.publishableKey });
    expect(response.errors).toBeUndefined();
    const program = response.data!.loyaltyProgram;
    expect(program).toMatchObject({ name: 'Kanta Club', enabled: true, currency: 'EUR' });
    expect(program.waysToEarn).toContainEqual({ action: 'SIGN_UP', points: 100, description: 'Welcome to the club' });
    expect(program.waysToEarn).toContainEqual({
      action: 'custom:instagram-follow',
      points: 30,
      description: 'Follow us on Instagram',
    });
    expect(program.earning).toEqual({ pointsPerUnit: 1, rounding: 'FLOOR' });
    expect(program.tiers.map((tier: any) => [tier.key, tier.name, tier.threshold, tier.metric])).toEqual([
      ['member', 'Member', 0, 'POINTS'],
      ['silver', 'Silver', 500, 'POINTS'],
      ['gold', 'Gold', 1500, 'POINTS'],
    ]);
    // Cheapest first.
    expect(program.rewards.map((reward: any) => reward.pointsCost)).toEqual([150, 250, 400, 600]);
    expect(program.rewards[1]).toMatchObject({ name: '5 € off', kind: 'FIXED_DISCOUNT', value: 500, currency: 'EUR' });
    expect(program.referral).toEqual({ enabled: true, refereePoints: 200, referrerPoints: 300 });
  });

  test('names are localised: the requested locale, then the store default, then the base name', async () => {
    const fi = await app.gql(PROGRAM, { locale: 'fi-FI' }, { key: store.publishableKey });
    expect(fi.data!.loyaltyProgram.tiers.map((tier: any) => tier.name)).toEqual(['Jäsen', 'Hopea', 'Kulta']);
    expect(fi.data!.loyaltyProgram.rewards[0].name).toBe('Ilmainen toimitus');
    // No Swedish texts: the store default (en) has none either, so the base names.
    const sv = await app.gql(PROGRAM, { locale: 'sv' }, { key: store.publishableKey });
    expect(sv.data!.loyaltyProgram.tiers[2].name).toBe('Gold');
    // A Finnish store falls back to Finnish.
    await app.db.prisma.store.update({ where: { id: store.id }, data: { defaultLocale: 'fi' } });
    try {
      const fallback = await app.gql(PROGRAM, { locale: 'sv' }, { key: store.publishableKey });
      expect(fallback.data!.loyaltyProgram.tiers[2].name).toBe('Kulta');
      expect(fallback.data!.loyaltyProgram.rewards[0].name).toBe('Ilmainen toimitus');
    } finally {
      await app.db.prisma.store.update({ where: { id: store.id }, data: { defaultLocale: 'en' } });
    }
  });

  test('a store that never configured its program shows the defaults', async () => {
    const other = await app.createStore('Plain shop');
    const response = await app.gql(
      '{ loyaltyProgram { name enabled waysToEarn { action } tiers { key } rewards { id } earning { pointsPerUnit } } }',
      {},
      { key: other.publishableKey },
    );
    expect(response.data!.loyaltyProgram).toEqual({
      name: 'Rewards',
      enabled: true,
      waysToEarn: [],
      tiers: [],
      rewards: [],
      earning: { pointsPerUnit: 1 },
    });
  });

  test('needs a key', async () => {
    const response = await app.gql('{ loyaltyProgram { name } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('shopper (publishable key + customer token)', () => {
  test('`me` needs a customer token: other keys get FORBIDDEN naming the field', async () => {
    const storefront = await app.gql('{ me { id } }', {}, { key: store.publishableKey });
    expect(storefront.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(storefront.errors?.[0]?.message).toContain('Query.me');
    const secret = await app.gql('{ me { id } }', {}, { key: store.secretKey });
    expect(secret.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('a signed-in shopper without a customer record sees an empty account', async () => {
    const token = await app.customerToken(store.secretKey, 'web:not-yet-known');
    const response = await shopper(token, ME_LOYALTY);
    expect(response.errors).toBeUndefined();
    expect(response.data!.me).toMatchObject({ id: null, externalId: 'not-yet-known', firstName: null, email: null });
    expect(response.data!.me.loyalty).toMatchObject({
      points: 0,
      lifetimePoints: 0,
      tier: { key: 'member', name: 'Member' },
      nextTier: { name: 'Silver', remaining: 500 },
      expiringPoints: [],
      affordable: [],
      history: { edges: [], pageInfo: { hasNextPage: false } },
      referral: null,
    });
    expect(response.data!.me.loyalty.rewards).toHaveLength(4);
  });

  test('a sub without a source is a "web" identity', async () => {
    const known = await customer();
    const token = await app.customerToken(store.secretKey, known.ext);
    const response = await shopper(token, '{ me { id } }');
    expect(response.data!.me.id).toBe(known.id);
  });

  test('sees their points, tier progress, expiring points, affordable rewards, history and referral link', async () => {
    const me = await customer({ firstName: 'Aino', locale: 'fi' });
    await adjust(me.id, 200);
    await adjust(me.id, 100);
    const response = await shopper(me.token, ME_LOYALTY);
    expect(response.errors).toBeUndefined();
    const { loyalty, ...profile } = response.data!.me;
    expect(profile).toEqual({ id: me.id, externalId: me.ext, firstName: 'Aino', email: `${me.ext}@example.com` });
    expect(loyalty.points).toBe(300);
    expect(loyalty.lifetimePoints).toBe(300);
    // The shopper's locale names the tiers and rewards.
    expect(loyalty.tier.name).toBe('Jäsen');
    expect(loyalty.nextTier).toEqual({ name: 'Hopea', remaining: 200 });
    // Expiry is 24 months: nothing within the next 12.
    expect(loyalty.expiringPoints).toEqual([]);
    expect(loyalty.affordable.map((reward: any) => reward.name)).toEqual(['Ilmainen toimitus', '5 € alennus']);
    expect(
      loyalty.history.edges.map((edge: any) => [edge.node.kind, edge.node.points, edge.node.balanceAfter]),
    ).toEqual([
      ['ADJUST', 100, 300],
      ['ADJUST', 200, 200],
    ]);
    expect(loyalty.history.edges[0].node).toMatchObject({ reason: 'Goodwill', source: 'ADMIN' });
    expect(loyalty.referral.code).toMatch(/^[A-Z0-9]{8}$/);
    expect(loyalty.referral.url).toBe(`https://shop.example/join?ref=${loyalty.referral.code}`);
  });

  test('history pages newest first', async () => {
    const me = await customer();
    for (const points of [1, 2, 3, 4, 5]) await adjust(me.id, points);
    const page = (after?: string) =>
      shopper(
        me.token,
        `query($after: String) { me { loyalty { history(first: 2, after: $after) {
          edges { node { points } } pageInfo { hasNextPage endCursor } } } } }`,
        { after },
      );
    const seen: number[] = [];
    let after: string | undefined;
    for (;;) {
      const history = (await page(after)).data!.me.loyalty.history;
      seen.push(...history.edges.map((edge: any) => edge.node.points));
      if (!history.pageInfo.hasNextPage) break;
      after = history.pageInfo.endCursor;
    }
    expect(seen).toEqual([5, 4, 3, 2, 1]);
  });

  test('sees only their own data: no admin fields, no other customer', async () => {
    const me = await customer();
    const other = await customer();
    await adjust(other.id, 999);
    const mine = await shopper(
      me.token,
      '{ me { id loyalty { points history(first: 5) { edges { node { points } } } } } }',
    );
    expect(mine.data!.me).toEqual({ id: me.id, loyalty: { points: 0, history: { edges: [] } } });
    // Internal ledger columns are for secret keys.
    await adjust(me.id, 5);
    const actor = await shopper(
      me.token,
      '{ me { loyalty { history(first: 1) { edges { node { points actor } } } } } }',
    );
    expect(actor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(actor.errors?.[0]?.message).toContain('PointsTransaction.actor');
    for (const query of [
      `{ pointsLedger(first: 5) { edges { node { id } } } }`,
      `{ customer(id: "${other.id}") { id } }`,
      '{ loyaltySettings { version } }',
      '{ rewards { id } }',
      '{ loyaltyReconciliation { customerId } }',
      '{ validateRewardCode(code: "KR-X") { __typename } }',
      `mutation { adjustPoints(customerId: "${me.id}", points: 1000, reason: "x") { __typename } }`,
      `mutation { recordLoyaltyEvent(customerId: "${me.id}", action: "REVIEW", sourceRef: "r1") { __typename } }`,
    ]) {
      const response = await shopper(me.token, query);
      expect(response.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
  });

  test('redeems a reward for themself; retries with the same key return the same code', async () => {
    const me = await customer();
    await adjust(me.id, 400);
    const REDEEM = `mutation($r: ID!, $k: String!, $c: ID) { redeemReward(rewardId: $r, idempotencyKey: $k, customerId: $c) {
      ${ERROR}
      ... on RewardRedemption { rewardCode { code status expiresAt } reward { id name } balance replayed }
      ... on InsufficientPointsError { needed balance }
      ... on InvalidInputError { field }
    } }`;
    const rewardId = rewardIds['5 € off'];
    const first = await shopper(me.token, REDEEM, { r: rewardId, k: 'checkout-1' });
    expect(first.errors).toBeUndefined();
    const redemption = first.data!.redeemReward;
    expect(redemption).toMatchObject({
      __typename: 'RewardRedemption',
      balance: 150,
      replayed: false,
      reward: { id: rewardId, name: '5 € off' },
      rewardCode: { status: 'ISSUED' },
    });
    expect(redemption.rewardCode.expiresAt).not.toBeNull();
    const again = await shopper(me.token, REDEEM, { r: rewardId, k: 'checkout-1' });
    expect(again.data!.redeemReward).toEqual({ ...redemption, replayed: true });

    const short = await shopper(me.token, REDEEM, { r: rewardIds['15 % off your next order'], k: 'checkout-2' });
    expect(short.data!.redeemReward).toMatchObject({
      __typename: 'InsufficientPointsError',
      code: 'INSUFFICIENT_POINTS',
      needed: 600,
      balance: 150,
    });
    // A shopper never names a customer.
    const named = await shopper(me.token, REDEEM, { r: rewardId, k: 'checkout-3', c: me.id });
    expect(named.data!.redeemReward).toMatchObject({ __typename: 'InvalidInputError', field: 'customerId' });
    const unknown = await shopper(me.token, REDEEM, { r: '00000000-0000-7000-8000-000000000000', k: 'checkout-4' });
    expect(unknown.data!.redeemReward.__typename).toBe('NotFoundError');

    // The code shows on the admin's loyalty card.
    const card = await admin(
      `query($id: ID!) { customer(id: $id) { loyalty { balance rewardCodes { code status } } } }`,
      {
        id: me.id,
      },
    );
    expect(card.customer.loyalty).toEqual({
      balance: 150,
      rewardCodes: [{ code: redemption.rewardCode.code, status: 'ISSUED' }],
    });
    // And the history shows the redemption.
    const history = await shopper(
      me.token,
      '{ me { loyalty { points history(first: 1) { edges { node { kind points source } } } } } }',
    );
    expect(history.data!.me.loyalty).toEqual({
      points: 150,
      history: { edges: [{ node: { kind: 'REDEEM', points: -250, source: 'REWARD' } }] },
    });
  });

  test('a shopper the store does not know has no points to redeem', async () => {
    const token = await app.customerToken(store.secretKey, 'web:stranger');
    const response = await shopper(
      token,
      `mutation($r: ID!) { redeemReward(rewardId: $r, idempotencyKey: "k") { ${ERROR} ... on InsufficientPointsError { needed balance } } }`,
      { r: rewardIds['Free shipping'] },
    );
    expect(response.data!.redeemReward).toMatchObject({
      __typename: 'InsufficientPointsError',
      needed: 150,
      balance: 0,
    });
  });

  test('applies a referral code for themself', async () => {
    const referrer = await customer();
    await adjust(referrer.id, 1); // creates the account and its referral code
    const code = (await shopper(referrer.token, '{ me { loyalty { referral { code } } } }')).data!.me.loyalty.referral
      .code;
    const me = await customer();
    const APPLY = `mutation($code: String!, $c: ID) { applyReferralCode(code: $code, customerId: $c) {
      ${ERROR} ... on Referral { code status } ... on ReferralRefusedError { reason } ... on InvalidInputError { field } } }`;
    const applied = await shopper(me.token, APPLY, { code });
    expect(applied.data!.applyReferralCode).toEqual({ __typename: 'Referral', code, status: 'PENDING' });
    const own = await shopper(referrer.token, APPLY, { code });
    expect(own.data!.applyReferralCode).toMatchObject({ __typename: 'ReferralRefusedError', reason: 'SELF_REFERRAL' });
    const named = await shopper(me.token, APPLY, { code, c: referrer.id });
    expect(named.data!.applyReferralCode).toMatchObject({ __typename: 'InvalidInputError', field: 'customerId' });
    // The admin variant names the customer.
    const third = await customer();
    const viaAdmin = await admin(APPLY, { code: 'NO-SUCH', c: third.id });
    expect(viaAdmin.applyReferralCode).toMatchObject({ __typename: 'ReferralRefusedError', reason: 'UNKNOWN_CODE' });
    const missing = await admin(APPLY, { code });
    expect(missing.applyReferralCode).toMatchObject({ __typename: 'InvalidInputError', field: 'customerId' });
  });
});

describe('admin (secret key)', () => {
  test('loyaltySettings: the rules in force as JSON and typed, and every version', async () => {
    const data = await admin(`{ loyaltySettings {
      name enabled referralUrl version effectiveFrom rules
      earning { pointsPerUnit rounding categoryMultipliers { category multiplier } productMultipliers { sku multiplier } channels }
      bonuses { action points }
      tiers { metric window windowMonths downgradeGraceDays levels { key name names threshold earnMultiplier perks } }
      expiry { months warnDays }
      referrals { enabled refereePoints referrerPoints returnWindowDays }
      versions { version effectiveFrom note rules }
    } }`);
    const settings = data.loyaltySettings;
    expect(settings).toMatchObject({
      name: 'Kanta Club',
      enabled: true,
      referralUrl: 'https://shop.example/join',
      version: 1,
      effectiveFrom: new Date(0).toISOString(),
      earning: { categoryMultipliers: [{ category: 'Coffee', multiplier: 2 }], channels: [] },
      tiers: { metric: 'POINTS', window: 'ROLLING_MONTHS', windowMonths: 12, downgradeGraceDays: 30 },
      expiry: { months: 24, warnDays: 30 },
      referrals: { enabled: true, returnWindowDays: 30 },
    });
    expect(settings.tiers.levels[2]).toEqual({
      key: 'gold',
      name: 'Gold',
      names: { fi: 'Kulta' },
      threshold: 1500,
      earnMultiplier: 1.5,
      perks: 'Free shipping, early access to sales',
    });
    expect(settings.rules.tiers.levels).toHaveLength(3);
    expect(settings.versions).toEqual([
      { version: 1, effectiveFrom: new Date(0).toISOString(), note: 'launch', rules: settings.rules },
    ]);
  });

  test('updateLoyaltyProgram: invalid rules name the field and change nothing; a future version waits', async () => {
    const UPDATE = `mutation($input: LoyaltyProgramInput!) { updateLoyaltyProgram(input: $input) {
      ${ERROR} ... on InvalidInputError { field } ... on LoyaltySettings { version name versions { version effectiveFrom } } } }`;
    const levels = [
      { key: 'a', name: 'A', threshold: 0 },
      { key: 'b', name: 'B', threshold: 0 },
    ];
    const bad = await admin(UPDATE, { input: { rules: { tiers: { levels } } } });
    expect(bad.updateLoyaltyProgram).toMatchObject({
      __typename: 'InvalidInputError',
      code: 'INVALID_INPUT',
      field: 'rules.tiers.levels.1.threshold',
    });
    const badKind = await admin(UPDATE, { input: { rules: { earning: { rounding: 'UP' } } } });
    expect(badKind.updateLoyaltyProgram.field).toBe('rules.earning.rounding');
    const badUrl = await admin(UPDATE, { input: { referralUrl: 'ftp://x' } });
    expect(badUrl.updateLoyaltyProgram.field).toBe('referralUrl');
    const past = await admin(UPDATE, { input: { rules: {}, effectiveFrom: '2020-01-01T00:00:00Z' } });
    expect(past.updateLoyaltyProgram.field).toBe('effectiveFrom');

    const later = new Date(Date.now() + 86_400_000).toISOString();
    const future = await admin(UPDATE, {
      input: { rules: { ...EXAMPLE_RULES, earning: { pointsPerUnit: 2 } }, effectiveFrom: later, note: 'double' },
    });
    // Still version 1 in force; version 2 listed.
    expect(future.updateLoyaltyProgram).toMatchObject({
      __typename: 'LoyaltySettings',
      version: 1,
      name: 'Kanta Club',
    });
    expect(future.updateLoyaltyProgram.versions.map((v: any) => [v.version, v.effectiveFrom])).toEqual([
      [2, later],
      [1, new Date(0).toISOString()],
    ]);
    const program = await app.gql(
      '{ loyaltyProgram { earning { pointsPerUnit } } }',
      {},
      { key: store.publishableKey },
    );
    expect(program.data!.loyaltyProgram.earning.pointsPerUnit).toBe(1);
  });

  test('rewards: create, update, list with and without inactive ones; bad input names the field', async () => {
    const CREATE = `mutation($input: RewardInput!) { createReward(input: $input) {
      ${ERROR} ... on InvalidInputError { field } ... on Reward { id name translations active stock available } } }`;
    const bad = await admin(CREATE, { input: { name: 'Broken', kind: 'FIXED_DISCOUNT', pointsCost: 10 } });
    expect(bad.createReward).toMatchObject({ __typename: 'InvalidInputError', field: 'value' });
    const badCost = await admin(CREATE, { input: { name: 'Free', kind: 'CUSTOM', pointsCost: 0 } });
    expect(badCost.createReward).toMatchObject({ __typename: 'InvalidInputError', field: 'pointsCost' });

    const created = await admin(CREATE, {
      input: { name: 'Sticker', kind: 'CUSTOM', pointsCost: 5, stock: 0, translations: { fi: { name: 'Tarra' } } },
    });
    expect(created.createReward).toMatchObject({
      name: 'Sticker',
      translations: { fi: { name: 'Tarra' } },
      active: true,
      stock: 0,
      available: false,
    });
    const id = created.createReward.id;
    const UPDATE = `mutation($id: ID!, $input: RewardUpdateInput!) { updateReward(id: $id, input: $input) {
      ${ERROR} ... on InvalidInputError { field } ... on Reward { name active pointsCost } } }`;
    const updated = await admin(UPDATE, { id, input: { active: false, pointsCost: 7 } });
    expect(updated.updateReward).toEqual({ __typename: 'Reward', name: 'Sticker', active: false, pointsCost: 7 });
    const badUpdate = await admin(UPDATE, { id, input: { pointsCost: -1 } });
    expect(badUpdate.updateReward).toMatchObject({ __typename: 'InvalidInputError', field: 'pointsCost' });
    const missing = await admin(UPDATE, { id: '00000000-0000-7000-8000-000000000000', input: { active: true } });
    expect(missing.updateReward.__typename).toBe('NotFoundError');

    const active = await admin('{ rewards { id } }');
    expect(active.rewards.map((reward: any) => reward.id)).not.toContain(id);
    const all = await admin('{ rewards(includeInactive: true) { id } }');
    expect(all.rewards.map((reward: any) => reward.id)).toContain(id);
  });

  test('adjustPoints: typed errors, idempotent by key', async () => {
    const target = await customer();
    const added = await adjust(target.id, 50, 'adj-1');
    expect(added).toMatchObject({
      __typename: 'PointsAdjustment',
      balance: 50,
      replayed: false,
      transaction: { kind: 'ADJUST', points: 50, source: 'ADMIN', reason: 'Goodwill', balanceAfter: 50 },
    });
    expect(added.transaction.actor).toMatch(/^apiKey:/);
    expect(await adjust(target.id, 50, 'adj-1')).toMatchObject({ replayed: true, transaction: added.transaction });
    expect(await adjust(target.id, 70, 'adj-1')).toMatchObject({ __typename: 'IdempotencyConflictError' });
    expect(await adjust(target.id, -80)).toMatchObject({
      __typename: 'InsufficientPointsError',
      needed: 80,
      balance: 50,
    });
    expect(await adjust(target.id, 0)).toMatchObject({ __typename: 'InvalidInputError' });
    expect(await adjust('00000000-0000-7000-8000-000000000000', 5)).toMatchObject({ __typename: 'NotFoundError' });
    expect(await adjust(target.id, -20)).toMatchObject({ balance: 30 });
    const blank = await admin(
      `mutation($c: ID!) { adjustPoints(customerId: $c, points: 1, reason: "  ") { ${ERROR} ... on InvalidInputError { field } } }`,
      { c: target.id },
    );
    expect(blank.adjustPoints).toMatchObject({ __typename: 'InvalidInputError', field: 'reason' });
  });

  test('pointsLedger filters by customer, kind and source and pages newest first', async () => {
    const target = await customer();
    await adjust(target.id, 10);
    await adjust(target.id, 20);
    await adjust(target.id, -5);
    const LEDGER = `query($c: ID, $kind: PointsKind, $source: String, $after: String) {
      pointsLedger(customerId: $c, kind: $kind, source: $source, first: 2, after: $after) {
        edges { node { points customerId idempotencyKey } } pageInfo { hasNextPage endCursor } } }`;
    const first = await admin(LEDGER, { c: target.id });
    expect(first.pointsLedger.edges.map((edge: any) => edge.node.points)).toEqual([-5, 20]);
    expect(first.pointsLedger.pageInfo.hasNextPage).toBe(true);
    const second = await admin(LEDGER, { c: target.id, after: first.pointsLedger.pageInfo.endCursor });
    expect(second.pointsLedger.edges.map((edge: any) => edge.node.points)).toEqual([10]);
    const none = await admin(LEDGER, { c: target.id, kind: 'EARN' });
    expect(none.pointsLedger.edges).toEqual([]);
    const bySource = await admin(LEDGER, { c: target.id, source: 'ADMIN', kind: 'ADJUST' });
    expect(bySource.pointsLedger.edges).toHaveLength(2);
    expect(bySource.pointsLedger.edges[0].node.idempotencyKey).toMatch(/^adjust:/);
    const bogus = await admin(LEDGER, { c: 'not-a-uuid' });
    expect(bogus.pointsLedger.edges).toEqual([]);
  });

  test("Customer.loyalty: the customer's loyalty card", async () => {
    const target = await customer();
    await adjust(target.id, 600);
    const data = await admin(
      `query($id: ID!) { customer(id: $id) { loyalty {
        balance lifetimeEarned lifetimeRedeemed lifetimeExpired qualifyingValue
        tier { key } tierSince tierHoldUntil nextTier { key remaining } expiringPoints { points }
        referral { code url } rewardCodes { code }
      } } }`,
      { id: target.id },
    );
    const card = data.customer.loyalty;
    expect(card).toMatchObject({
      balance: 600,
      lifetimeEarned: 600,
      lifetimeRedeemed: 0,
      lifetimeExpired: 0,
      expiringPoints: [],
      rewardCodes: [],
    });
    expect(card.referral.url).toContain('?ref=');
    expect(['member', 'silver']).toContain(card.tier.key);
  });

  test('reward codes: validate, consume (idempotent per order), cancel refunds once', async () => {
    const target = await customer();
    await adjust(target.id, 300);
    const REDEEM = `mutation($r: ID!, $c: ID!, $k: String!) { redeemReward(rewardId: $r, idempotencyKey: $k, customerId: $c) {
      ${ERROR} ... on RewardRedemption { rewardCode { code } balance } ... on InvalidInputError { field } } }`;
    const noCustomer = await admin(
      `mutation($r: ID!) { redeemReward(rewardId: $r, idempotencyKey: "x") { ${ERROR} ... on InvalidInputError { field } } }`,
      { r: rewardIds['Free shipping'] },
    );
    expect(noCustomer.redeemReward).toMatchObject({ __typename: 'InvalidInputError', field: 'customerId' });
    const one = (await admin(REDEEM, { r: rewardIds['Free shipping'], c: target.id, k: 'a' })).redeemReward;
    const two = (await admin(REDEEM, { r: rewardIds['Free shipping'], c: target.id, k: 'b' })).redeemReward;
    expect([one.balance, two.balance]).toEqual([150, 0]);

    const VALIDATE = `query($code: String!) { validateRewardCode(code: $code) {
      ${ERROR} ... on RewardCodeValidation { usable status rewardCode { code customerId } reward { name } }
      ... on RewardCodeUnusableError { reason } } }`;
    const valid = await admin(VALIDATE, { code: one.rewardCode.code.toLowerCase() });
    expect(valid.validateRewardCode).toEqual({
      __typename: 'RewardCodeValidation',
      usable: true,
      status: 'ISSUED',
      rewardCode: { code: one.rewardCode.code, customerId: target.id },
      reward: { name: 'Free shipping' },
    });
    const unknown = await admin(VALIDATE, { code: 'KR-NOPE' });
    expect(unknown.validateRewardCode).toMatchObject({ __typename: 'RewardCodeUnusableError', reason: 'UNKNOWN' });

    const CONSUME = `mutation($code: String!, $ref: String!) { consumeRewardCode(code: $code, orderRef: $ref) {
      ${ERROR} ... on RewardCode { status consumedOrderRef } ... on RewardCodeUnusableError { reason } } }`;
    expect((await admin(CONSUME, { code: one.rewardCode.code, ref: 'ORDER-1' })).consumeRewardCode).toEqual({
      __typename: 'RewardCode',
      status: 'CONSUMED',
      consumedOrderRef: 'ORDER-1',
    });
    expect((await admin(CONSUME, { code: one.rewardCode.code, ref: 'ORDER-1' })).consumeRewardCode.status).toBe(
      'CONSUMED',
    );
    expect((await admin(CONSUME, { code: one.rewardCode.code, ref: 'ORDER-2' })).consumeRewardCode).toMatchObject({
      __typename: 'RewardCodeUnusableError',
      reason: 'CONSUMED',
    });

    const CANCEL = `mutation($code: String!) { cancelRewardCode(code: $code, reason: "changed mind") {
      ${ERROR} ... on RewardCode { status } ... on RewardCodeUnusableError { reason } } }`;
    expect((await admin(CANCEL, { code: two.rewardCode.code })).cancelRewardCode).toEqual({
      __typename: 'RewardCode',
      status: 'CANCELLED',
    });
    expect((await admin(CANCEL, { code: two.rewardCode.code })).cancelRewardCode.status).toBe('CANCELLED');
    expect((await admin(CANCEL, { code: one.rewardCode.code })).cancelRewardCode).toMatchObject({
      __typename: 'RewardCodeUnusableError',
      reason: 'CONSUMED',
    });
    const card = await admin(`query($id: ID!) { customer(id: $id) { loyalty { balance } } }`, { id: target.id });
    expect(card.customer.loyalty.balance).toBe(150);
  });

  test('recordLoyaltyEvent: bonuses for built-in and custom actions, once per sourceRef', async () => {
    const target = await customer();
    const RECORD = `mutation($c: ID!, $a: String!, $s: String!) { recordLoyaltyEvent(customerId: $c, action: $a, sourceRef: $s) {
      ${ERROR} ... on LoyaltyEventResult { awarded points balance replayed transaction { source reason } }
      ... on InvalidInputError { field } } }`;
    const review = await admin(RECORD, { c: target.id, a: 'REVIEW', s: 'review-1' });
    expect(review.recordLoyaltyEvent).toMatchObject({
      awarded: true,
      points: 25,
      balance: 25,
      replayed: false,
      transaction: { source: 'REVIEW' },
    });
    const again = await admin(RECORD, { c: target.id, a: 'REVIEW', s: 'review-1' });
    expect(again.recordLoyaltyEvent).toMatchObject({ awarded: true, balance: 25, replayed: true });
    const custom = await admin(RECORD, { c: target.id, a: 'custom:instagram-follow', s: 'ig' });
    expect(custom.recordLoyaltyEvent).toMatchObject({ points: 30, balance: 55, transaction: { source: 'BONUS' } });
    const nothing = await admin(RECORD, { c: target.id, a: 'custom:unknown', s: 'x' });
    expect(nothing.recordLoyaltyEvent).toMatchObject({ awarded: false, points: 0, balance: 55, transaction: null });
    const bad = await admin(RECORD, { c: target.id, a: 'LIKE', s: 'x' });
    expect(bad.recordLoyaltyEvent).toMatchObject({ __typename: 'InvalidInputError', field: 'action' });
    const missing = await admin(RECORD, { c: '00000000-0000-7000-8000-000000000000', a: 'REVIEW', s: 'x' });
    expect(missing.recordLoyaltyEvent.__typename).toBe('NotFoundError');
  });

  test('loyaltyReconciliation: empty when every balance matches its ledger', async () => {
    const data = await admin('{ loyaltyReconciliation { customerId balance ledgerSum lotSum } }');
    expect(data.loyaltyReconciliation).toEqual([]);
  });

  test('a publishable key cannot call admin fields', async () => {
    const target = await customer();
    for (const query of [
      '{ loyaltySettings { version } }',
      '{ rewards { id } }',
      '{ pointsLedger(first: 1) { edges { node { id } } } }',
      '{ loyaltyReconciliation { customerId } }',
      '{ validateRewardCode(code: "KR-X") { __typename } }',
      'mutation { updateLoyaltyProgram(input: { enabled: false }) { __typename } }',
      'mutation { createReward(input: { name: "x", kind: CUSTOM, pointsCost: 1 }) { __typename } }',
      `mutation { adjustPoints(customerId: "${target.id}", points: 5, reason: "x") { __typename } }`,
      'mutation { consumeRewardCode(code: "KR-X", orderRef: "o") { __typename } }',
      'mutation { cancelRewardCode(code: "KR-X") { __typename } }',
      `mutation { recordLoyaltyEvent(customerId: "${target.id}", action: "REVIEW", sourceRef: "x") { __typename } }`,
      `mutation { redeemReward(rewardId: "${rewardIds['Free shipping']}", idempotencyKey: "x", customerId: "${target.id}") { __typename } }`,
      `mutation { applyReferralCode(code: "X", customerId: "${target.id}") { __typename } }`,
    ]) {
      const response = await app.gql(query, {}, { key: store.publishableKey });
      expect(response.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    expect(await app.db.prisma.pointsTransaction.count({ where: { customerId: target.id } })).toBe(0);
  });
});

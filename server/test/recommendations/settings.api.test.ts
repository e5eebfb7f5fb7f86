import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { recommendationSettings } from '../../src/modules/recommendations/settings.service.ts';
import type { CreatedStore } from '../../src/modules/stores/stores.service.ts';
import { createTestApp, type TestApp } from '../harness.ts';

let app: TestApp;
let shop: CreatedStore;

beforeAll(async () => {
  app = await createTestApp();
  shop = await app.createStore();
});
afterAll(() => app.close());

const FIELDS = `excludeCategories boostTags buryTags pinnedSkus maxPerCategory repeatPurchaseTags
  repeatPurchaseCategories attributionDays halfLifeDays updatedAt`;
const READ = `{ recommendationSettings { ${FIELDS} } }`;
const UPDATE = `mutation($input: RecommendationSettingsInput!) {
  updateRecommendationSettings(input: $input) {
    __typename
    ... on RecommendationSettings { ${FIELDS} }
    ... on InvalidInputError { field message }
  }
}`;

const DEFAULTS = {
  excludeCategories: [],
  boostTags: [],
  buryTags: [],
  pinnedSkus: [],
  maxPerCategory: 3,
  repeatPurchaseTags: [],
  repeatPurchaseCategories: [],
  attributionDays: 7,
  halfLifeDays: 365,
  updatedAt: null,
};

describe('recommendation settings', () => {
  test('a store that never changed them reads the defaults, and reading writes nothing', async () => {
    const response = await app.gql(READ, {}, { key: shop.secretKey });
    expect(response.data?.recommendationSettings).toEqual(DEFAULTS);
    expect(await app.db.prisma.recommendationSettings.count({ where: { storeId: shop.id } })).toBe(0);
  });

  test('publishable keys cannot read or change them', async () => {
    const read = await app.gql(READ, {}, { key: shop.publishableKey });
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const update = await app.gql(UPDATE, { input: { maxPerCategory: 1 } }, { key: shop.publishableKey });
    expect(update.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await app.db.prisma.recommendationSettings.count({ where: { storeId: shop.id } })).toBe(0);
  });

  test('changes the given fields only: trimmed, duplicates dropped, pin order kept', async () => {
    const first = await app.gql(
      UPDATE,
      {
        input: {
          excludeCategories: [' Gift cards '],
          boostTags: ['new', 'new', 'sale'],
          pinnedSkus: ['B', 'A', 'B'],
          maxPerCategory: 2,
          repeatPurchaseTags: ['consumable'],
        },
      },
      { key: shop.secretKey },
    );
    expect(first.data?.updateRecommendationSettings).toMatchObject({
      __typename: 'RecommendationSettings',
      excludeCategories: ['Gift cards'],
      boostTags: ['new', 'sale'],
      buryTags: [],
      pinnedSkus: ['B', 'A'],
      maxPerCategory: 2,
      repeatPurchaseTags: ['consumable'],
      attributionDays: 7,
      halfLifeDays: 365,
    });
    expect(first.data?.updateRecommendationSettings.updatedAt).toEqual(expect.any(String));

    // Omitted and null fields stay; an empty list clears.
    const second = await app.gql(
      UPDATE,
      { input: { boostTags: [], halfLifeDays: 90, attributionDays: null } },
      { key: shop.secretKey },
    );
    expect(second.data?.updateRecommendationSettings).toMatchObject({
      excludeCategories: ['Gift cards'],
      boostTags: [],
      pinnedSkus: ['B', 'A'],
      maxPerCategory: 2,
      attributionDays: 7,
      halfLifeDays: 90,
    });
    const stored = await recommendationSettings(app.db.prisma, shop.id);
    expect(stored).toMatchObject({ boostTags: [], halfLifeDays: 90, pinnedSkus: ['B', 'A'] });
  });

  test.each([
    [{ maxPerCategory: 51 }, 'input.maxPerCategory', 'must be at most 50'],
    [{ maxPerCategory: -1 }, 'input.maxPerCategory', 'must be at least 0'],
    [{ attributionDays: 0 }, 'input.attributionDays', 'must be at least 1'],
    [{ attributionDays: 91 }, 'input.attributionDays', 'must be at most 90'],
    [{ halfLifeDays: 6 }, 'input.halfLifeDays', 'must be at least 7'],
    [{ halfLifeDays: 3651 }, 'input.halfLifeDays', 'must be at most 3650'],
    [{ pinnedSkus: ['A', '  '] }, 'input.pinnedSkus.1', 'must not be empty'],
    [{ boostTags: ['x'.repeat(201)] }, 'input.boostTags.0', 'must be at most 200 characters'],
    [
      { excludeCategories: Array.from({ length: 101 }, (_, index) => `C${index}`) },
      'input.excludeCategories',
      'must have at most 100 items',
    ],
  ])('bad input %j names the field and the rule and changes nothing', async (input, field, rule) => {
    const before = await recommendationSettings(app.db.prisma, shop.id);
    const response = await app.gql(UPDATE, { input: { ...input, buryTags: ['changed'] } }, { key: shop.secretKey });
    expect(response.data?.updateRecommendationSettings).toEqual({
      __typename: 'InvalidInputError',
      field,
      message: `${field}: ${rule}`,
    });
    expect(await recommendationSettings(app.db.prisma, shop.id)).toEqual(before);
  });

  test("one store's settings are not another's", async () => {
    const other = await app.createStore('Other settings store');
    await app.gql(UPDATE, { input: { buryTags: ['other'] } }, { key: other.secretKey });
    const mine = await app.gql(READ, {}, { key: shop.secretKey });
    expect(mine.data?.recommendationSettings.buryTags).not.toContain('other');
    const theirs = await app.gql(READ, {}, { key: other.secretKey });
    expect(theirs.data?.recommendationSettings).toMatchObject({ buryTags: ['other'], maxPerCategory: 3 });
  });
});

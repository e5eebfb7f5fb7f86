import type { ProgramRulesInput } from './program-rules.ts';
import type { RewardInput } from './rewards.validation.ts';

/**
 * The example program of the README and the demo shop. A test checks that the README's JSON is this
 * object, so the documentation cannot drift from what the demo runs.
 */
export const EXAMPLE_RULES = {
  earning: {
    pointsPerUnit: 1,
    rounding: 'FLOOR',
    categoryMultipliers: [{ category: 'Coffee', multiplier: 2 }],
    productMultipliers: [{ sku: 'GIFT-CARD', multiplier: 0 }],
    channels: [],
  },
  bonuses: [
    { action: 'SIGN_UP', points: 100, description: 'Welcome to the club' },
    { action: 'BIRTHDAY', points: 200, description: 'Happy birthday' },
    { action: 'FIRST_ORDER', points: 50, description: 'Your first order' },
    { action: 'REVIEW', points: 25, description: 'Review a product' },
    { action: 'SURVEY_ANSWER', points: 10, description: 'Answer a survey' },
    { action: 'custom:instagram-follow', points: 30, description: 'Follow us on Instagram' },
  ],
  tiers: {
    metric: 'POINTS',
    window: 'ROLLING_MONTHS',
    windowMonths: 12,
    downgradeGraceDays: 30,
    levels: [
      { key: 'member', name: 'Member', names: { fi: 'Jäsen' }, threshold: 0 },
      {
        key: 'silver',
        name: 'Silver',
        names: { fi: 'Hopea' },
        threshold: 500,
        earnMultiplier: 1.25,
        perks: 'Free shipping',
      },
      {
        key: 'gold',
        name: 'Gold',
        names: { fi: 'Kulta' },
        threshold: 1500,
        earnMultiplier: 1.5,
        perks: 'Free shipping, early access to sales',
      },
    ],
  },
  expiry: { months: 24, warnDays: 30 },
  referrals: { enabled: true, refereePoints: 200, referrerPoints: 300, returnWindowDays: 30 },
} satisfies ProgramRulesInput;

export const EXAMPLE_REWARDS: RewardInput[] = [
  {
    name: '5 € off',
    translations: { fi: { name: '5 € alennus' } },
    kind: 'FIXED_DISCOUNT',
    value: 500,
    currency: 'EUR',
    pointsCost: 250,
    codeValidDays: 90,
  },
  {
    name: 'Free shipping',
    translations: { fi: { name: 'Ilmainen toimitus' } },
    kind: 'FREE_SHIPPING',
    pointsCost: 150,
    codeValidDays: 90,
  },
  {
    name: '15 % off your next order',
    translations: { fi: { name: '15 % alennus seuraavasta tilauksesta' } },
    kind: 'PERCENT_DISCOUNT',
    value: 15,
    pointsCost: 600,
    perCustomerLimit: 1,
    codeValidDays: 30,
  },
  {
    name: 'Kanta tote bag',
    translations: { fi: { name: 'Kanta-kangaskassi' } },
    kind: 'CUSTOM',
    pointsCost: 400,
    stock: 25,
  },
];

import { expect } from 'vitest';
import { post } from '../../src/modules/loyalty/ledger.service.ts';
import { updateProgram } from '../../src/modules/loyalty/program.service.ts';
import { createReward, redeemReward } from '../../src/modules/loyalty/rewards.service.ts';
import { subscribe } from '../loyalty/sse.ts';
import type { TenancyCases } from './types.ts';

/** Loyalty: store B's keys (and B's shoppers) against store A's program, points, rewards and codes. */
export const loyaltyCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const prisma = () => app.db.prisma;

  /** Store A's program, a reward, and a customer with points, a referral code and an issued reward code. */
  let setup: Promise<{ customerId: string; rewardId: string; code: string; referralCode: string }> | undefined;
  const victim = () => {
    setup ??= (async () => {
      const storeId = ctx.a.id;
      await updateProgram(prisma(), storeId, {
        name: 'A Club',
        referralUrl: 'https://a.example/join',
        rules: {
          bonuses: [{ action: 'REVIEW', points: 10 }],
          referrals: { enabled: true, refereePoints: 1, referrerPoints: 1 },
        },
      });
      const customer = await prisma().customer.create({
        data: {
          storeId,
          firstName: 'Victim',
          identities: { create: [{ storeId, source: 'web', externalId: 'loyal-victim' }] },
        },
      });
      const reward = await createReward(prisma(), storeId, { name: 'A reward', kind: 'CUSTOM', pointsCost: 10 });
      await post(prisma(), {
        storeId,
        customerId: customer.id,
        kind: 'ADJUST',
        points: 100,
        source: 'ADMIN',
        reason: 'seed',
        idempotencyKey: 'adjust:tenancy-seed',
      });
      const redemption = await redeemReward(prisma(), {
        storeId,
        customerId: customer.id,
        rewardId: reward.id,
        idempotencyKey: 'tenancy-seed',
      });
      const account = await prisma().loyaltyAccount.findUniqueOrThrow({ where: { customerId: customer.id } });
      return {
        customerId: customer.id,
        rewardId: reward.id,
        code: redemption.rewardCode.code,
        referralCode: account.referralCode,
      };
    })();
    return setup;
  };
  /** A's customer still has 90 points, one ledger row more than the seed, and an issued code. */
  const unchanged = async () => {
    const { customerId, code } = await victim();
    const account = await prisma().loyaltyAccount.findUniqueOrThrow({ where: { customerId } });
    expect(account.balance).toBe(90);
    expect(await prisma().pointsTransaction.count({ where: { customerId } })).toBe(2);
    const rewardCode = await prisma().rewardCode.findUniqueOrThrow({
      where: { storeId_code: { storeId: ctx.a.id, code } },
    });
    expect(rewardCode.status).toBe('ISSUED');
  };
  const asB = (query: string, variables: Record<string, unknown> = {}) =>
    app.gql(query, variables, { key: ctx.b.secretKey });
  /** A customer of store B, to act for. */
  const ownCustomer = async () =>
    prisma().customer.create({
      data: {
        storeId: ctx.b.id,
        identities: { create: [{ storeId: ctx.b.id, source: 'web', externalId: `b-${Math.random()}` }] },
      },
    });

  return {
    'Query.me': async () => {
      await victim();
      // A's shopper token is worthless with B's publishable key.
      const aToken = await app.customerToken(ctx.a.secretKey, 'web:loyal-victim');
      const foreign = await app.gql('{ me { id } }', {}, { key: ctx.b.publishableKey, customerToken: aToken });
      expect(foreign.status).toBe(401);
      // B's shopper with the same external id is a different (unknown) person.
      const bToken = await app.customerToken(ctx.b.secretKey, 'web:loyal-victim');
      const own = await app.gql(
        '{ me { id firstName loyalty { points history(first: 5) { edges { node { id } } } referral { code } } } }',
        {},
        { key: ctx.b.publishableKey, customerToken: bToken },
      );
      expect(own.data?.me).toEqual({
        id: null,
        firstName: null,
        loyalty: { points: 0, history: { edges: [] }, referral: null },
      });
    },
    'Query.loyaltyProgram': async () => {
      const { rewardId } = await victim();
      const response = await app.gql('{ loyaltyProgram { name rewards { id } } }', {}, { key: ctx.b.publishableKey });
      expect(response.data?.loyaltyProgram.name).not.toBe('A Club');
      expect(response.data?.loyaltyProgram.rewards.map((reward: { id: string }) => reward.id)).not.toContain(rewardId);
    },
    'Query.loyaltySettings': async () => {
      await victim();
      const response = await asB('{ loyaltySettings { name referralUrl versions { rules } } }');
      expect(response.data?.loyaltySettings.name).not.toBe('A Club');
      expect(response.data?.loyaltySettings.referralUrl).toBeNull();
    },
    'Query.rewards': async () => {
      const { rewardId } = await victim();
      const response = await asB('{ rewards(includeInactive: true) { id } }');
      expect(response.data?.rewards.map((reward: { id: string }) => reward.id)).not.toContain(rewardId);
    },
    'Query.pointsLedger': async () => {
      const { customerId } = await victim();
      const filtered = await asB(
        'query($c: ID) { pointsLedger(first: 50, customerId: $c) { edges { node { id } } } }',
        {
          c: customerId,
        },
      );
      expect(filtered.data?.pointsLedger.edges).toEqual([]);
      const all = await asB('{ pointsLedger(first: 100) { edges { node { customerId } } } }');
      expect(all.data?.pointsLedger.edges.map((edge: any) => edge.node.customerId)).not.toContain(customerId);
    },
    'Query.loyaltyReconciliation': async () => {
      const { customerId } = await victim();
      // Break A's account for a moment: B's check must not see (or report) it.
      await prisma().loyaltyAccount.update({ where: { customerId }, data: { balance: { increment: 1 } } });
      try {
        const response = await asB('{ loyaltyReconciliation { customerId } }');
        expect(response.data?.loyaltyReconciliation).toEqual([]);
        const own = await app.gql('{ loyaltyReconciliation { customerId } }', {}, { key: ctx.a.secretKey });
        expect(own.data?.loyaltyReconciliation).toEqual([{ customerId }]);
      } finally {
        await prisma().loyaltyAccount.update({ where: { customerId }, data: { balance: { decrement: 1 } } });
      }
    },
    'Query.validateRewardCode': async () => {
      const { code } = await victim();
      const response = await asB(
        'query($code: String!) { validateRewardCode(code: $code) { __typename ... on RewardCodeUnusableError { reason } } }',
        { code },
      );
      expect(response.data?.validateRewardCode).toEqual({ __typename: 'RewardCodeUnusableError', reason: 'UNKNOWN' });
    },
    'Mutation.updateLoyaltyProgram': async () => {
      await victim();
      const response = await asB(
        'mutation { updateLoyaltyProgram(input: { name: "B Club", enabled: false, rules: {} }) { __typename ... on LoyaltySettings { name } } }',
      );
      expect(response.data?.updateLoyaltyProgram).toEqual({ __typename: 'LoyaltySettings', name: 'B Club' });
      const a = await prisma().loyaltyProgram.findUniqueOrThrow({ where: { storeId: ctx.a.id } });
      expect(a).toMatchObject({ name: 'A Club', enabled: true });
      expect(await prisma().loyaltyProgramVersion.count({ where: { storeId: ctx.a.id } })).toBe(1);
    },
    'Mutation.createReward': async () => {
      const response = await asB(
        'mutation { createReward(input: { name: "B reward", kind: CUSTOM, pointsCost: 5 }) { ... on Reward { id } } }',
      );
      const created = await prisma().reward.findUniqueOrThrow({ where: { id: response.data?.createReward.id } });
      expect(created.storeId).toBe(ctx.b.id);
    },
    'Mutation.updateReward': async () => {
      const { rewardId } = await victim();
      const response = await asB(
        'mutation($id: ID!) { updateReward(id: $id, input: { name: "Hijack", active: false }) { __typename } }',
        { id: rewardId },
      );
      expect(response.data?.updateReward.__typename).toBe('NotFoundError');
      expect(await prisma().reward.findUniqueOrThrow({ where: { id: rewardId } })).toMatchObject({
        name: 'A reward',
        active: true,
      });
    },
    'Mutation.redeemReward': async () => {
      const { customerId, rewardId } = await victim();
      const own = await ownCustomer();
      for (const [c, r] of [
        [customerId, rewardId],
        [own.id, rewardId],
      ]) {
        const response = await asB(
          'mutation($c: ID!, $r: ID!) { redeemReward(rewardId: $r, customerId: $c, idempotencyKey: "b-steal") { __typename } }',
          { c, r },
        );
        expect(response.data?.redeemReward.__typename).toBe('NotFoundError');
      }
      // B's shopper cannot redeem A's reward either.
      const token = await app.customerToken(ctx.b.secretKey, 'web:loyal-victim');
      const shopper = await app.gql(
        'mutation($r: ID!) { redeemReward(rewardId: $r, idempotencyKey: "b-shopper") { __typename } }',
        { r: rewardId },
        { key: ctx.b.publishableKey, customerToken: token },
      );
      expect(shopper.data?.redeemReward.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.consumeRewardCode': async () => {
      const { code } = await victim();
      const response = await asB(
        'mutation($code: String!) { consumeRewardCode(code: $code, orderRef: "B-1") { __typename ... on RewardCodeUnusableError { reason } } }',
        { code },
      );
      expect(response.data?.consumeRewardCode).toEqual({ __typename: 'RewardCodeUnusableError', reason: 'UNKNOWN' });
      await unchanged();
    },
    'Mutation.cancelRewardCode': async () => {
      const { code } = await victim();
      const response = await asB(
        'mutation($code: String!) { cancelRewardCode(code: $code) { __typename ... on RewardCodeUnusableError { reason } } }',
        { code },
      );
      expect(response.data?.cancelRewardCode).toEqual({ __typename: 'RewardCodeUnusableError', reason: 'UNKNOWN' });
      await unchanged();
    },
    'Mutation.adjustPoints': async () => {
      const { customerId } = await victim();
      for (const points of [500, -50]) {
        const response = await asB(
          'mutation($c: ID!, $p: Int!) { adjustPoints(customerId: $c, points: $p, reason: "steal") { __typename } }',
          { c: customerId, p: points },
        );
        expect(response.data?.adjustPoints.__typename).toBe('NotFoundError');
      }
      await unchanged();
    },
    'Mutation.recordLoyaltyEvent': async () => {
      const { customerId } = await victim();
      const response = await asB(
        'mutation($c: ID!) { recordLoyaltyEvent(customerId: $c, action: "REVIEW", sourceRef: "b") { __typename } }',
        { c: customerId },
      );
      expect(response.data?.recordLoyaltyEvent.__typename).toBe('NotFoundError');
      await unchanged();
    },
    'Mutation.applyReferralCode': async () => {
      const { customerId, referralCode } = await victim();
      // B runs referrals (another case may have switched its program off), so a refusal is about the code.
      await updateProgram(prisma(), ctx.b.id, { enabled: true, rules: { referrals: { enabled: true } } });
      const own = await ownCustomer();
      // A's referral code means nothing in B.
      const foreignCode = await asB(
        'mutation($c: ID!, $code: String!) { applyReferralCode(customerId: $c, code: $code) { __typename ... on ReferralRefusedError { reason } } }',
        { c: own.id, code: referralCode },
      );
      expect(foreignCode.data?.applyReferralCode).toEqual({
        __typename: 'ReferralRefusedError',
        reason: 'UNKNOWN_CODE',
      });
      // Nor can B attach A's customer to anything.
      const foreignCustomer = await asB(
        'mutation($c: ID!, $code: String!) { applyReferralCode(customerId: $c, code: $code) { __typename } }',
        { c: customerId, code: referralCode },
      );
      expect(foreignCustomer.data?.applyReferralCode.__typename).toBe('NotFoundError');
      expect(await prisma().referral.count({ where: { OR: [{ refereeId: customerId }, { refereeId: own.id }] } })).toBe(
        0,
      );
    },
    'Subscription.loyaltyChanged': async () => {
      await victim();
      // A customer of its own, so the other cases' ledger counts stay as they are.
      const { id: customerId } = await prisma().customer.create({
        data: {
          storeId: ctx.a.id,
          identities: { create: [{ storeId: ctx.a.id, source: 'web', externalId: 'loyal-listener' }] },
        },
      });
      const aToken = await app.customerToken(ctx.a.secretKey, 'web:loyal-listener');
      const foreign = await app.gql(
        'subscription { loyaltyChanged { points } }',
        {},
        { key: ctx.b.publishableKey, customerToken: aToken },
      );
      expect(foreign.status).toBe(401);
      // B's shopper with A's shopper's external id hears nothing of A's changes.
      const bToken = await app.customerToken(ctx.b.secretKey, 'web:loyal-listener');
      const stream = await subscribe(app.yoga, {
        authorization: `Bearer ${ctx.b.publishableKey}`,
        'x-kanta-customer': bToken,
      });
      try {
        expect((await stream.next()).data?.loyaltyChanged.points).toBe(0);
        await post(prisma(), {
          storeId: ctx.a.id,
          customerId,
          kind: 'ADJUST',
          points: 1,
          source: 'ADMIN',
          reason: 'live',
          idempotencyKey: 'adjust:tenancy-live',
        });
        await post(prisma(), {
          storeId: ctx.a.id,
          customerId,
          kind: 'ADJUST',
          points: -1,
          source: 'ADMIN',
          reason: 'live',
          idempotencyKey: 'adjust:tenancy-live-back',
        });
        await app.events.drain();
        await expect(stream.next(300)).rejects.toThrow('no event in time');
      } finally {
        stream.close();
      }
    },
  };
};

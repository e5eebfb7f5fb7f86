import { expect } from 'vitest';
import type { TenancyCases } from './types.ts';

/** Webhook sources: store B's key can neither see nor replace store A's secrets. */
export const webhookCases: TenancyCases = (ctx) => {
  const { app } = ctx;
  const aSources = () =>
    app.db.prisma.webhookSource.findMany({ where: { storeId: ctx.a.id }, orderBy: { source: 'asc' } });
  const ensureASource = () =>
    app.db.prisma.webhookSource.upsert({
      where: { storeId_source: { storeId: ctx.a.id, source: 'shopify' } },
      create: { storeId: ctx.a.id, source: 'shopify', secret: 'store-a-secret-0123456789' },
      update: {},
    });

  return {
    'Query.webhookSources': async () => {
      await ensureASource();
      const response = await app.gql('{ webhookSources { source url } }', {}, { key: ctx.b.secretKey });
      expect(response.errors).toBeUndefined();
      expect(JSON.stringify(response.data?.webhookSources)).not.toContain(ctx.a.id);
    },
    'Mutation.setWebhookSecret': async () => {
      await ensureASource();
      const before = await aSources();
      const response = await app.gql(
        'mutation { setWebhookSecret(source: "shopify", secret: "attacker-chosen-secret") { ... on WebhookSecret { url secret } } }',
        {},
        { key: ctx.b.secretKey },
      );
      // B sets its own secret, under its own store id; A's stays as it was.
      expect(response.data?.setWebhookSecret.url).toContain(`store=${ctx.b.id}`);
      expect(await aSources()).toEqual(before);
      const bSource = await app.db.prisma.webhookSource.findUnique({
        where: { storeId_source: { storeId: ctx.b.id, source: 'shopify' } },
      });
      expect(bSource?.secret).toBe('attacker-chosen-secret');
    },
  };
};

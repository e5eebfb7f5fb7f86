import { builder } from '../../builder.ts';
import { type KantaContext, storeIdOf } from '../../context.ts';
import { InvalidInputError } from '../../errors.ts';
import { setWebhookSecret, webhookUrl } from './webhooks.service.ts';

/**
 * The public address of this server as the caller sees it. Yoga puts the Request into the context;
 * behind a reverse proxy the forwarded headers name the address the platform must call.
 */
function baseUrlOf(context: KantaContext): string {
  const request = (context as KantaContext & { request?: Request }).request;
  if (!request) return `http://${context.config.host}:${context.config.port}`;
  const url = new URL(request.url);
  const host = request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || url.host;
  const protocol = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || url.protocol.replace(':', '');
  return `${protocol}://${host}`;
}

builder.prismaObject('WebhookSource', {
  description: 'A platform that sends this store order webhooks. Its secret is shown only when set.',
  fields: (t) => ({
    source: t.exposeString('source', { description: 'e.g. "shopify"; the last segment of the webhook URL.' }),
    url: t.string({
      description: 'Where the platform must send order webhooks.',
      select: { storeId: true, source: true },
      resolve: (row, _args, context) => webhookUrl(baseUrlOf(context), row.storeId, row.source),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const WebhookSecret = builder.objectRef<{ source: string; secret: string; url: string }>('WebhookSecret');
WebhookSecret.implement({
  description: 'A webhook secret, shown once: paste it and the URL into the platform.',
  fields: (t) => ({
    source: t.exposeString('source'),
    url: t.exposeString('url', { description: 'Where the platform must send order webhooks.' }),
    secret: t.exposeString('secret', { description: 'The HMAC-SHA256 signing secret. Shown only here.' }),
  }),
});

builder.queryField('webhookSources', (t) =>
  t.prismaField({
    type: ['WebhookSource'],
    description: 'The webhook sources configured for this store (never their secrets).',
    authScopes: { admin: true },
    resolve: (query, _root, _args, context) =>
      context.prisma.webhookSource.findMany({
        ...query,
        where: { storeId: storeIdOf(context) },
        orderBy: { source: 'asc' },
      }),
  }),
);

builder.mutationField('setWebhookSecret', (t) =>
  t.field({
    type: WebhookSecret,
    description:
      'Creates or replaces the signing secret for order webhooks from `source` (e.g. "shopify"). Pass the ' +
      "secret the platform shows you (Shopify: Settings → Notifications → Webhooks, or your app's client " +
      'secret); without one, a random 32-byte secret is generated. Deliveries signed with the old secret are refused from now on.',
    authScopes: { admin: true },
    errors: { types: [InvalidInputError] },
    args: {
      source: t.arg.string({ required: true, description: 'Lower-case a-z, 0-9, _ and -; at most 32 characters.' }),
      secret: t.arg.string({ required: false, description: 'At least 16 characters; omit to generate one.' }),
    },
    resolve: async (_root, args, context) => {
      const storeId = storeIdOf(context);
      const saved = await setWebhookSecret(context.prisma, storeId, args);
      return { ...saved, url: webhookUrl(baseUrlOf(context), storeId, saved.source) };
    },
  }),
);

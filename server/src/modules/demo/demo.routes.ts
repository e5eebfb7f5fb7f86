import { signCustomerToken } from '../../auth/sign-customer-token.ts';
import type { PrismaClient } from '../../db/database.ts';
import { feedbackSettings } from '../feedback/settings.service.ts';
import { signSurveyToken } from '../feedback/survey-link.ts';
import { demoProductImageUrl, demoProductUrl, demoShopperSubject } from './demo.service.ts';
import { DEMO_CURRENCY, DEMO_PRODUCTS, DEMO_SHOPPERS, DEMO_SURVEYS, type DemoShopper } from './demo-data.ts';

/** What the demo routes need: the demo store's keys and its database. */
export interface DemoRouteOptions {
  publishableKey: string;
  secretKey?: string | undefined;
  prisma?: PrismaClient | undefined;
}

const SURVEY_TYPES = { nps: 'NPS', csat: 'CSAT', ces: 'CES' } as const;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      // Tokens and per-shopper data: never from a cache.
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

const problem = (status: number, error: string) => json({ error }, status);

/**
 * The demo storefront's helper routes, served only with `kanta serve --demo` (a real storefront's own
 * back end does this after its shoppers sign in):
 *
 * - `GET /demo/shoppers` — the shoppers to switch between: `[{ id, name, locale }]`
 * - `GET /demo/token?shopper=aino` — `{ token, expiresInSeconds }`, a customer token signed with the demo
 *   store's secret key
 * - `GET /demo/survey-link?shopper=aino&type=nps|csat|ces` — `{ token, surveyId, orderId, orderNumber,
 *   expiresAt }`, a signed survey invitation token about the shopper's latest order
 * - `GET /demo/products` — the catalogue with descriptions for the product pages
 *
 * Returns undefined for other paths.
 */
export function createDemoRoutes(options: DemoRouteOptions): (url: URL) => Promise<Response | undefined> {
  let storeId: Promise<string | undefined> | undefined;
  const demoStoreId = () => {
    const { prisma } = options;
    if (!prisma) return Promise.resolve(undefined);
    storeId ??= prisma.apiKey
      .findFirst({ where: { publicValue: options.publishableKey, revokedAt: null }, select: { storeId: true } })
      .then((key) => key?.storeId);
    return storeId;
  };

  const shopperOf = (url: URL): DemoShopper | undefined =>
    DEMO_SHOPPERS.find((shopper) => shopper.id === url.searchParams.get('shopper'));

  return async (url) => {
    switch (url.pathname) {
      case '/demo/shoppers':
        return json(
          DEMO_SHOPPERS.map((shopper) => ({
            id: shopper.id,
            name: `${shopper.firstName} ${shopper.lastName}`,
            locale: shopper.locale,
          })),
        );
      case '/demo/products':
        return json(
          DEMO_PRODUCTS.map((product) => ({
            sku: product.sku,
            name: product.name,
            price: product.price,
            currency: DEMO_CURRENCY,
            category: product.categoryPath.join(' › '),
            description: product.description,
            url: demoProductUrl('', product.sku),
            imageUrl: demoProductImageUrl('', product.sku),
          })),
        );
      case '/demo/token': {
        const shopper = shopperOf(url);
        if (!shopper) return problem(400, 'shopper must be one of the ids from /demo/shoppers');
        if (!options.secretKey) return problem(503, 'the demo has no secret key');
        const expiresInSeconds = 900;
        const token = await signCustomerToken(options.secretKey, demoShopperSubject(shopper), { expiresInSeconds });
        return json({ shopper: shopper.id, token, expiresInSeconds });
      }
      case '/demo/survey-link': {
        const shopper = shopperOf(url);
        if (!shopper) return problem(400, 'shopper must be one of the ids from /demo/shoppers');
        const type = SURVEY_TYPES[url.searchParams.get('type') as keyof typeof SURVEY_TYPES];
        if (!type) return problem(400, 'type must be nps, csat or ces');
        const id = await demoStoreId();
        const { prisma } = options;
        if (!id || !prisma) return problem(503, 'the demo store is not ready');
        return surveyLink(prisma, id, shopper, type);
      }
      default:
        return undefined;
    }
  };
}

async function surveyLink(
  prisma: PrismaClient,
  storeId: string,
  shopper: DemoShopper,
  type: 'NPS' | 'CSAT' | 'CES',
): Promise<Response> {
  const identity = await prisma.customerIdentity.findFirst({
    where: { storeId, source: 'web', externalId: shopper.externalId },
    select: { customerId: true },
  });
  if (!identity) return problem(404, 'the shopper is not in the demo store (yet)');
  const [order, surveys, settings] = await Promise.all([
    prisma.order.findFirst({
      where: { storeId, customerId: identity.customerId, kind: 'SALE', status: { not: 'CANCELLED' } },
      orderBy: [{ placedAt: 'desc' }, { id: 'desc' }],
      select: { id: true, externalId: true, placedAt: true },
    }),
    prisma.survey.findMany({
      where: { storeId, type, active: true },
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true, linkValidHours: true },
    }),
    feedbackSettings(prisma, storeId),
  ]);
  // The demo's own survey of that type, else any active one (a visitor may have added their own).
  const demoName = DEMO_SURVEYS.find((survey) => survey.type === type)?.name;
  const survey = surveys.find((candidate) => candidate.name === demoName) ?? surveys[0];
  if (!order) return problem(404, 'the shopper has no orders');
  if (!survey) return problem(404, `the demo store has no active ${type} survey`);
  const expiresAt = new Date(Date.now() + survey.linkValidHours * 3_600_000);
  const token = signSurveyToken(
    { storeId, surveyId: survey.id, customerId: identity.customerId, orderId: order.id, invitationId: null, expiresAt },
    settings.linkSecret,
  );
  return json({
    token,
    type: type.toLowerCase(),
    surveyId: survey.id,
    orderId: order.id,
    orderNumber: order.externalId,
    orderPlacedAt: order.placedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
}

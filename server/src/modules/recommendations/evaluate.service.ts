import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError } from '../../errors.ts';
import { type OrderInput, recordOrders } from '../orders/orders.service.ts';
import { upsertProducts } from '../products/products.service.ts';
import { readPurchases } from './build.service.ts';
import { defaultCutoff, type EvaluationReport, evaluateModels } from './evaluation.ts';
import { isRepeatPurchase } from './rules.ts';
import { recommendationSettings } from './settings.service.ts';
import type { SyntheticData } from './synthetic.ts';

/** Share of a store's orders at/after the default cutoff: the "future" the lists must predict. */
const DEFAULT_TEST_SHARE = 0.2;
const INSERT_CHUNK = 1_000;

/**
 * Evaluates the store's models offline (evaluation.ts) on its own purchases, as the builds read
 * them (returns, cancelled orders and non-product lines left out). Repeat-purchase kinds and the
 * model half-life come from the store's recommendation settings. Reads only; changes nothing.
 */
export async function evaluateStore(
  prisma: PrismaClient,
  storeId: string,
  options: { cutoff?: Date; k?: number } = {},
): Promise<EvaluationReport> {
  if (options.cutoff !== undefined && Number.isNaN(options.cutoff.getTime()))
    throw new InvalidInputError('cutoff', 'must be a valid date');
  if (options.k !== undefined && (!Number.isInteger(options.k) || options.k < 1 || options.k > 100))
    throw new InvalidInputError('k', 'must be a whole number from 1 to 100');

  const [purchases, settings] = await Promise.all([
    readPurchases(prisma, storeId),
    recommendationSettings(prisma, storeId),
  ]);
  // Only products that can be repeat kinds are read: most stores list none, and then nothing is.
  const repeatSkus = new Set<string>();
  if (settings.repeatPurchaseTags.length > 0 || settings.repeatPurchaseCategories.length > 0) {
    const candidates = await prisma.product.findMany({
      where: {
        storeId,
        OR: [
          { tags: { hasSome: settings.repeatPurchaseTags } },
          { categoryPath: { hasSome: settings.repeatPurchaseCategories } },
        ],
      },
      select: { sku: true, tags: true, categoryPath: true },
    });
    for (const product of candidates) if (isRepeatPurchase(product, settings)) repeatSkus.add(product.sku);
  }

  const cutoff = options.cutoff?.getTime() ?? defaultCutoff(purchases, DEFAULT_TEST_SHARE) ?? Date.now();
  return evaluateModels(purchases, {
    cutoff,
    ...(options.k !== undefined ? { k: options.k } : {}),
    isRepeat: (sku) => repeatSkus.has(sku),
    halfLifeDays: settings.halfLifeDays,
  });
}

/**
 * Loads a synthetic shop (synthetic.ts) into a store: its products, then its orders oldest first,
 * 1,000 per call (recordOrders' limit). Idempotent like recordOrders: a second run adds nothing.
 */
export async function insertSyntheticShop(prisma: PrismaClient, storeId: string, data: SyntheticData): Promise<void> {
  for (let start = 0; start < data.products.length; start += INSERT_CHUNK)
    await upsertProducts(
      prisma,
      storeId,
      data.products.slice(start, start + INSERT_CHUNK).map((product) => ({
        sku: product.sku,
        name: product.name,
        price: product.price,
        categoryPath: product.categoryPath,
        tags: product.tags,
        active: true,
        inStock: true,
      })),
    );
  for (let start = 0; start < data.orders.length; start += INSERT_CHUNK)
    await recordOrders(
      prisma,
      storeId,
      data.orders.slice(start, start + INSERT_CHUNK).map(
        (order): OrderInput => ({
          externalId: order.externalId,
          channel: order.channel,
          placedAt: order.placedAt,
          customer: order.customerExternalId
            ? { identities: [{ source: 'web', externalId: order.customerExternalId }] }
            : null,
          lines: order.lines.map((line) => ({
            sku: line.sku,
            name: line.name,
            quantity: line.quantity,
            unitPrice: line.unitPrice,
            kind: line.kind ?? 'PRODUCT',
          })),
        }),
      ),
      { source: 'synthetic' },
    );
}

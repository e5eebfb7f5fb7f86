import fs from 'node:fs';
import path from 'node:path';
import { generateKey } from '../../auth/keys.ts';
import type { PrismaClient } from '../../db/database.ts';
import { EXAMPLE_REWARDS, EXAMPLE_RULES } from '../loyalty/example-program.ts';
import { updateProgram } from '../loyalty/program.service.ts';
import { createReward } from '../loyalty/rewards.service.ts';
import { recordOrders } from '../orders/orders.service.ts';
import { upsertProducts } from '../products/products.service.ts';
import { createStore } from '../stores/stores.service.ts';

export const DEMO_STORE_NAME = 'Kanta Demo Shop';
/** The demo shopper: sign a customer token for this `sub` to act as her. */
export const DEMO_SHOPPER = 'web:demo-aino';

export interface DemoKeys {
  storeId: string;
  publishableKey: string;
  secretKey: string;
}

/**
 * Seeds the demo store once; later runs find it and change nothing. Secret keys are stored only as
 * hashes, so the demo keys are kept in a local file (`<data dir>/../demo-keys.json`) for GraphiQL and
 * the demo page; if that file is lost, a fresh secret key replaces it.
 */
export async function seedDemo(
  prisma: PrismaClient,
  keysFile: string,
  origins: string[],
): Promise<DemoKeys & { created: boolean }> {
  const saved = readKeys(keysFile);
  const existing = await prisma.store.findFirst({ where: { name: DEMO_STORE_NAME }, orderBy: { createdAt: 'asc' } });
  if (existing && saved?.storeId === existing.id) {
    const valid = await prisma.apiKey.count({
      where: { storeId: existing.id, revokedAt: null, publicValue: saved.publishableKey },
    });
    if (valid > 0) {
      // A demo store from before the loyalty module gets its program now.
      await seedDemoCatalogue(prisma, existing.id);
      return { ...saved, created: false };
    }
  }
  let keys: DemoKeys;
  if (existing) {
    const secret = generateKey('SECRET');
    const publishable = generateKey('PUBLISHABLE');
    await prisma.apiKey.createMany({
      data: [
        { storeId: existing.id, kind: 'SECRET', name: 'demo', prefix: secret.prefix, keyHash: secret.hash },
        {
          storeId: existing.id,
          kind: 'PUBLISHABLE',
          name: 'demo',
          prefix: publishable.prefix,
          keyHash: publishable.hash,
          publicValue: publishable.value,
        },
      ],
    });
    keys = { storeId: existing.id, publishableKey: publishable.value, secretKey: secret.value };
  } else {
    const store = await createStore(prisma, {
      name: DEMO_STORE_NAME,
      defaultCurrency: 'EUR',
      defaultLocale: 'fi',
      timezone: 'Europe/Helsinki',
      allowedOrigins: origins,
    });
    keys = { storeId: store.id, publishableKey: store.publishableKey, secretKey: store.secretKey };
  }
  fs.mkdirSync(path.dirname(keysFile), { recursive: true });
  fs.writeFileSync(keysFile, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  await seedDemoCatalogue(prisma, keys.storeId);
  return { ...keys, created: !existing };
}

/**
 * The demo shop's loyalty program (the README's example), rewards, a few products and one shopper with
 * two orders. Runs once per store (skipped when the program exists); points arrive through the order
 * events once the server's dispatcher runs.
 */
export async function seedDemoCatalogue(prisma: PrismaClient, storeId: string): Promise<void> {
  if (await prisma.loyaltyProgram.findUnique({ where: { storeId }, select: { id: true } })) return;
  await upsertProducts(prisma, storeId, [
    { sku: 'COF-ESP-250', name: 'Espresso beans 250 g', price: 990, currency: 'EUR', categoryPath: ['Coffee'] },
    { sku: 'COF-FIL-500', name: 'Filter coffee 500 g', price: 1490, currency: 'EUR', categoryPath: ['Coffee'] },
    { sku: 'MUG-001', name: 'Stoneware mug', price: 1800, currency: 'EUR', categoryPath: ['Kitchen', 'Mugs'] },
    { sku: 'TEA-GRN-100', name: 'Green tea 100 g', price: 750, currency: 'EUR', categoryPath: ['Tea'] },
    { sku: 'GIFT-CARD', name: 'Gift card 25 €', price: 2500, currency: 'EUR', categoryPath: ['Gift cards'] },
  ]);
  for (const reward of EXAMPLE_REWARDS) await createReward(prisma, storeId, reward);
  await recordOrders(
    prisma,
    storeId,
    [
      [
        'DEMO-1001',
        40,
        [
          ['COF-ESP-250', 'Espresso beans 250 g', 2, 990],
          ['MUG-001', 'Stoneware mug', 1, 1800],
        ],
      ],
      [
        'DEMO-1002',
        9,
        [
          ['COF-FIL-500', 'Filter coffee 500 g', 3, 1490],
          ['TEA-GRN-100', 'Green tea 100 g', 2, 750],
        ],
      ],
    ].map(([externalId, daysAgo, lines]) => ({
      externalId: externalId as string,
      customer: {
        identities: [{ source: 'web', externalId: DEMO_SHOPPER.slice('web:'.length) }],
        email: 'aino.virtanen@example.com',
        firstName: 'Aino',
        lastName: 'Virtanen',
        locale: 'fi',
      },
      channel: 'ONLINE' as const,
      placedAt: new Date(Date.now() - (daysAgo as number) * 86_400_000),
      currency: 'EUR',
      lines: (lines as [string, string, number, number][]).map(([sku, name, quantity, unitPrice]) => ({
        sku,
        name,
        quantity,
        unitPrice,
      })),
    })),
    { source: 'demo' },
  );
  // Last, so a failure above leaves the program missing and the next start seeds again.
  await updateProgram(prisma, storeId, { name: 'Kanta Club', rules: EXAMPLE_RULES });
}

function readKeys(file: string): DemoKeys | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DemoKeys;
  } catch {
    return undefined;
  }
}

export function demoKeysFile(dataDir: string): string {
  return path.join(path.dirname(dataDir), 'demo-keys.json');
}

import fs from 'node:fs';
import path from 'node:path';
import { generateKey } from '../../auth/keys.ts';
import type { PrismaClient } from '../../db/database.ts';
import { createStore } from '../stores/stores.service.ts';

export const DEMO_STORE_NAME = 'Kanta Demo Shop';

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
    if (valid > 0) return { ...saved, created: false };
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
  return { ...keys, created: !existing };
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

import { z } from 'zod';
import { generateKey, type KeyKind } from '../../auth/keys.ts';
import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import type { Prisma as PrismaNamespace } from '../../generated/prisma/client.ts';
import {
  apiKeyName,
  type CreateStoreInput,
  createStoreInput,
  firstIssue,
  updateStoreInput,
} from './stores.validation.ts';

type Prisma = PrismaClient;

export interface CreatedStore {
  id: string;
  name: string;
  publishableKey: string;
  secretKey: string;
}

function parse<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
  value: unknown,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const { field, rule } = firstIssue(result.error);
    throw new InvalidInputError(field, rule);
  }
  return result.data;
}

/** Creates a store with one publishable and one secret key, in one transaction. */
export async function createStore(prisma: Prisma, input: CreateStoreInput): Promise<CreatedStore> {
  const data = parse(createStoreInput, input);
  const publishable = generateKey('PUBLISHABLE');
  const secret = generateKey('SECRET');
  const store = await prisma.store.create({
    data: {
      ...data,
      apiKeys: {
        create: [
          {
            kind: 'PUBLISHABLE',
            prefix: publishable.prefix,
            keyHash: publishable.hash,
            publicValue: publishable.value,
          },
          { kind: 'SECRET', prefix: secret.prefix, keyHash: secret.hash },
        ],
      },
    },
    select: { id: true, name: true },
  });
  return { ...store, publishableKey: publishable.value, secretKey: secret.value };
}

export async function updateStore(prisma: Prisma, storeId: string, input: unknown): Promise<string> {
  const data = parse(updateStoreInput, input);
  const { count } = await prisma.store.updateMany({ where: { id: storeId }, data });
  if (count === 0) throw new NotFoundError('Store');
  return storeId;
}

export async function createApiKey(
  prisma: Prisma,
  storeId: string,
  input: { kind: KeyKind; name?: string | null | undefined },
): Promise<{ id: string; key: string }> {
  const name = input.name == null ? 'default' : parse(z.object({ name: apiKeyName }), { name: input.name }).name;
  if (!isUuid(storeId)) throw new NotFoundError('Store');
  const store = await prisma.store.findUnique({ where: { id: storeId }, select: { id: true } });
  if (!store) throw new NotFoundError('Store');
  const generated = generateKey(input.kind);
  const created = await prisma.apiKey.create({
    data: {
      storeId,
      kind: input.kind,
      name,
      prefix: generated.prefix,
      keyHash: generated.hash,
      publicValue: input.kind === 'PUBLISHABLE' ? generated.value : null,
    },
    select: { id: true },
  });
  return { id: created.id, key: generated.value };
}

/** Revokes a key of the store; revoking twice is harmless and keeps the first timestamp. */
export async function revokeApiKey(prisma: Prisma, storeId: string, apiKeyId: string): Promise<string> {
  if (!isUuid(apiKeyId)) throw new NotFoundError('API key');
  const key = await prisma.apiKey.findFirst({ where: { id: apiKeyId, storeId }, select: { id: true } });
  if (!key) throw new NotFoundError('API key');
  await prisma.apiKey.updateMany({
    where: { id: apiKeyId, storeId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return key.id;
}

/** The store's IANA time zone, read now (for calendar periods on the store's wall clock). */
export async function storeTimeZone(
  db: Pick<PrismaClient | PrismaNamespace.TransactionClient, 'store'>,
  storeId: string,
): Promise<string> {
  const store = await db.store.findFirst({ where: { id: storeId }, select: { timezone: true } });
  if (!store) throw new NotFoundError('Store');
  return store.timezone;
}

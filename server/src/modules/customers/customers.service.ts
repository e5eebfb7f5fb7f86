import type { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { emitMany } from '../../events/events.ts';
import { InvalidInputError } from '../../errors.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { firstIssue } from '../stores/stores.validation.ts';
import { type CustomerInput, customerInput } from './customers.validation.ts';
import { uuidv7 } from './normalise.ts';

export type Db = PrismaClient | Prisma.TransactionClient;

type Attributes = Record<string, string | number | boolean | null>;

/** A customer as the resolver sees it while it works through a batch in memory. */
interface Working {
  id: string;
  isNew: boolean;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  birthday: Date | null;
  marketingConsent: boolean;
  marketingConsentAt: Date | null;
  marketingConsentSource: string | null;
  tags: string[];
  attributes: Attributes;
  changed: Set<keyof Working>;
}

const profileSelect = {
  id: true,
  email: true,
  phone: true,
  firstName: true,
  lastName: true,
  locale: true,
  birthday: true,
  marketingConsent: true,
  marketingConsentAt: true,
  marketingConsentSource: true,
  tags: true,
  attributes: true,
} as const;

/** Parses with a zod schema, turning the first issue into an InvalidInputError "prefix.field: rule". */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, prefix = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const { field, rule } = firstIssue(result.error);
    throw new InvalidInputError(prefix ? (field === 'input' ? prefix : `${prefix}.${field}`) : field, rule);
  }
  return result.data;
}

function identityKey(source: string, externalId: string): string {
  return `${source}\u0000${externalId}`;
}

/** A concurrent transaction created one of the rows this attempt meant to create: start over. */
class ConcurrentChange extends Error {}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Find-or-create by any identity, else normalised email, else phone; links new identities; never
 * duplicates under concurrency (unique constraints + ON CONFLICT / retry, not read-then-write).
 * Emits customer.created on creation.
 */
export async function upsertCustomer(
  prisma: PrismaClient,
  storeId: string,
  input: CustomerInput,
  options: { source?: string } = {},
): Promise<{ customerId: string; created: boolean }> {
  const parsed = parseInput(customerInput, input);
  for (let attempt = 1; ; attempt++) {
    try {
      const resolved = await prisma.$transaction((tx) => resolveParsed(tx, storeId, [parsed], options.source));
      return { customerId: resolved[0]!.id!, created: resolved[0]!.created };
    } catch (error) {
      // Another request took this email or phone for another customer between our read and our
      // update: the next attempt reads the new state and does not steal it.
      if (attempt < 5 && (isUniqueViolation(error) || error instanceof ConcurrentChange)) continue;
      throw error;
    }
  }
}

/**
 * Bulk form for order ingest: one customer id per input (null input -> null: guest order). Same
 * resolution rules as upsertCustomer, applied as if the inputs came one after another; inputs that
 * name the same person get the same id. A few statements per call whatever the batch size. Safe to
 * call inside the caller's transaction. Throws InvalidInputError with fields like "3.email".
 */
export async function resolveCustomers(
  tx: Db,
  storeId: string,
  inputs: (CustomerInput | null | undefined)[],
  options: { source?: string } = {},
): Promise<(string | null)[]> {
  const parsed = inputs.map((input, index) => (input == null ? null : parseInput(customerInput, input, String(index))));
  const resolved = await resolveParsed(tx, storeId, parsed, options.source);
  return resolved.map((entry) => entry.id);
}

async function resolveParsed(
  tx: Db,
  storeId: string,
  inputs: (CustomerInput | null)[],
  source: string | undefined,
): Promise<{ id: string | null; created: boolean }[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await resolveOnce(tx, storeId, inputs, source);
    } catch (error) {
      if (attempt < 5 && error instanceof ConcurrentChange) continue;
      throw error;
    }
  }
}

async function resolveOnce(
  tx: Db,
  storeId: string,
  inputs: (CustomerInput | null)[],
  source: string | undefined,
): Promise<{ id: string | null; created: boolean }[]> {
  const pairs = new Map<string, { source: string; externalId: string }>();
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const input of inputs) {
    if (!input) continue;
    for (const identity of input.identities ?? []) pairs.set(identityKey(identity.source, identity.externalId), identity);
    if (input.email) emails.add(input.email);
    if (input.phone) phones.add(input.phone);
  }
  if (inputs.every((input) => input == null)) return inputs.map(() => ({ id: null, created: false }));

  const identityRows =
    pairs.size === 0
      ? []
      : await tx.customerIdentity.findMany({
          where: { storeId, OR: [...pairs.values()].map(({ source, externalId }) => ({ source, externalId })) },
          select: { source: true, externalId: true, customerId: true },
        });
  const or: Prisma.CustomerWhereInput[] = [];
  if (emails.size > 0) or.push({ email: { in: [...emails] } });
  if (phones.size > 0) or.push({ phone: { in: [...phones] } });
  if (identityRows.length > 0) or.push({ id: { in: [...new Set(identityRows.map((row) => row.customerId))] } });
  const customerRows = or.length === 0 ? [] : await tx.customer.findMany({ where: { storeId, OR: or }, select: profileSelect });

  const working = new Map<string, Working>();
  const byIdentity = new Map<string, string>();
  const byEmail = new Map<string, string>();
  const byPhone = new Map<string, string>();
  for (const row of customerRows) {
    working.set(row.id, { ...row, attributes: (row.attributes ?? {}) as Attributes, isNew: false, changed: new Set() });
    if (row.email) byEmail.set(row.email, row.id);
    if (row.phone) byPhone.set(row.phone, row.id);
  }
  for (const row of identityRows) byIdentity.set(identityKey(row.source, row.externalId), row.customerId);

  const newIdentities: { storeId: string; customerId: string; source: string; externalId: string }[] = [];
  const results: { id: string | null; created: boolean }[] = [];
  const now = new Date();
  for (const input of inputs) {
    if (!input) {
      results.push({ id: null, created: false });
      continue;
    }
    // Priority: any identity (in the order given), then email, then phone. An identity that already
    // names a customer wins over an email that names another: the email is not moved (see README).
    let id: string | undefined;
    for (const identity of input.identities ?? []) {
      id = byIdentity.get(identityKey(identity.source, identity.externalId));
      if (id) break;
    }
    id ??= (input.email ? byEmail.get(input.email) : undefined) ?? (input.phone ? byPhone.get(input.phone) : undefined);
    let customer = id ? working.get(id) : undefined;
    if (!customer) {
      customer = {
        id: uuidv7(),
        isNew: true,
        email: null,
        phone: null,
        firstName: null,
        lastName: null,
        locale: null,
        birthday: null,
        marketingConsent: false,
        marketingConsentAt: null,
        marketingConsentSource: null,
        tags: [],
        attributes: {},
        changed: new Set(),
      };
      working.set(customer.id, customer);
    }
    results.push({ id: customer.id, created: customer.isNew });
    for (const identity of input.identities ?? []) {
      const key = identityKey(identity.source, identity.externalId);
      if (byIdentity.has(key)) continue;
      byIdentity.set(key, customer.id);
      newIdentities.push({ storeId, customerId: customer.id, ...identity });
    }
    applyProfile(customer, input, { byEmail, byPhone, now, source });
  }

  const created = [...working.values()].filter((customer) => customer.isNew);
  // Rows are inserted with ON CONFLICT DO NOTHING: if a concurrent transaction committed the same
  // email, phone or identity first, the row is skipped (after waiting for that commit), this attempt
  // is undone and the next one reads the winner. Never read-then-write.
  const createdIds: string[] = [];
  const createdIdentityIds: string[] = [];
  try {
    if (created.length > 0) {
      const rows = await tx.customer.createManyAndReturn({
        data: created.map((customer) => ({
          id: customer.id,
          storeId,
          email: customer.email,
          phone: customer.phone,
          firstName: customer.firstName,
          lastName: customer.lastName,
          locale: customer.locale,
          birthday: customer.birthday,
          marketingConsent: customer.marketingConsent,
          marketingConsentAt: customer.marketingConsentAt,
          marketingConsentSource: customer.marketingConsentSource,
          tags: customer.tags,
          attributes: customer.attributes as Prisma.InputJsonObject,
        })),
        skipDuplicates: true,
        select: { id: true },
      });
      createdIds.push(...rows.map((row) => row.id));
      if (rows.length < created.length) throw new ConcurrentChange('customer created concurrently');
    }
    if (newIdentities.length > 0) {
      const rows = await tx.customerIdentity.createManyAndReturn({
        data: newIdentities,
        skipDuplicates: true,
        select: { id: true },
      });
      createdIdentityIds.push(...rows.map((row) => row.id));
      if (rows.length < newIdentities.length) throw new ConcurrentChange('identity linked concurrently');
    }
  } catch (error) {
    if (error instanceof ConcurrentChange) {
      if (createdIdentityIds.length > 0) await tx.customerIdentity.deleteMany({ where: { id: { in: createdIdentityIds } } });
      if (createdIds.length > 0) await tx.customer.deleteMany({ where: { id: { in: createdIds } } });
    }
    throw error;
  }

  for (const customer of working.values()) {
    if (customer.isNew || customer.changed.size === 0) continue;
    const data: Prisma.CustomerUpdateManyMutationInput = {};
    for (const field of customer.changed) {
      if (field === 'attributes') data.attributes = customer.attributes as Prisma.InputJsonObject;
      else (data as Record<string, unknown>)[field] = customer[field];
    }
    await tx.customer.updateMany({ where: { id: customer.id, storeId }, data });
  }
  await emitMany(
    tx,
    created.map((customer) => ({ storeId, type: 'customer.created' as const, payload: { customerId: customer.id } })),
  );
  return results;
}

/**
 * Applies what an input says about a person. Upsert semantics: null or missing fields change
 * nothing, tags are added, attributes merged key by key, consent replaced only by a newer decision;
 * an email or phone already belonging to another customer is not taken.
 */
function applyProfile(
  customer: Working,
  input: CustomerInput,
  context: { byEmail: Map<string, string>; byPhone: Map<string, string>; now: Date; source: string | undefined },
): void {
  const set = <K extends keyof Working>(field: K, value: Working[K]) => {
    customer[field] = value;
    customer.changed.add(field);
  };
  for (const [field, index] of [
    ['email', context.byEmail],
    ['phone', context.byPhone],
  ] as const) {
    const value = input[field];
    if (!value || value === customer[field] || index.has(value)) continue;
    if (customer[field]) index.delete(customer[field]);
    index.set(value, customer.id);
    set(field, value);
  }
  for (const field of ['firstName', 'lastName', 'locale'] as const) {
    const value = input[field];
    if (value != null && value !== customer[field]) set(field, value);
  }
  if (input.birthday != null && customer.birthday?.toISOString().slice(0, 10) !== input.birthday)
    set('birthday', new Date(`${input.birthday}T00:00:00Z`));
  if (input.tags && input.tags.some((tag) => !customer.tags.includes(tag)))
    set('tags', [...new Set([...customer.tags, ...input.tags])]);
  if (input.attributes) {
    const merged = { ...customer.attributes, ...input.attributes };
    if (JSON.stringify(merged) !== JSON.stringify(customer.attributes)) set('attributes', merged);
  }
  if (input.marketingConsent) {
    const at = input.marketingConsent.at ?? context.now;
    if (!customer.marketingConsentAt || at >= customer.marketingConsentAt) {
      set('marketingConsent', input.marketingConsent.granted);
      set('marketingConsentAt', at);
      set('marketingConsentSource', input.marketingConsent.source ?? context.source ?? null);
    }
  }
}

import { z } from 'zod';
import type { PrismaClient } from '../../db/database.ts';
import { uuidv7 } from '../../db/uuid7.ts';
import { InvalidInputError, isUuid, NotFoundError } from '../../errors.ts';
import { emitMany } from '../../events/events.ts';
import { Prisma } from '../../generated/prisma/client.ts';
import { firstIssue } from '../stores/stores.validation.ts';
import { toJson } from './customer-data.ts';
import { customerFilterInput, customerWhere } from './customer-filter.ts';
import { type CustomerInput, customerInput, identityInput } from './customers.validation.ts';

export type Db = PrismaClient | Prisma.TransactionClient;

/** Merges and erasures of customers with many orders outlast Prisma's 5 s default on a busy machine. */
export const TRANSACTION_OPTIONS = { maxWait: 20_000, timeout: 60_000 } as const;

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
      const resolved = await prisma.$transaction(
        (tx) => resolveParsed(tx, storeId, [parsed], options.source),
        TRANSACTION_OPTIONS,
      );
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
    for (const identity of input.identities ?? [])
      pairs.set(identityKey(identity.source, identity.externalId), identity);
    if (input.email) emails.add(input.email);
    if (input.phone) phones.add(input.phone);
  }
  if (inputs.every((input) => input == null)) return inputs.map(() => ({ id: null, created: false }));

  // Raw SQL with array parameters: a Prisma `OR` of 1,000 identity pairs costs far more to compile
  // than the database takes to answer (this is the hot path of every order import).
  const identityRows =
    pairs.size === 0
      ? []
      : await tx.$queryRawUnsafe<{ source: string; externalId: string; customerId: string }[]>(
          `SELECT i.source, i."externalId", i."customerId" FROM "CustomerIdentity" i
           JOIN unnest($2::text[], $3::text[]) AS wanted(source, "externalId")
             ON i.source = wanted.source AND i."externalId" = wanted."externalId"
           WHERE i."storeId" = $1::uuid`,
          storeId,
          [...pairs.values()].map((pair) => pair.source),
          [...pairs.values()].map((pair) => pair.externalId),
        );
  const customerIds = [...new Set(identityRows.map((row) => row.customerId))];
  const customerRows =
    emails.size + phones.size + customerIds.length === 0
      ? []
      : (
          await tx.$queryRawUnsafe<(Omit<Working, 'isNew' | 'changed' | 'birthday'> & { birthday: string | null })[]>(
            `SELECT id, email, phone, "firstName", "lastName", locale, to_char(birthday, 'YYYY-MM-DD') AS birthday,
                    "marketingConsent", "marketingConsentAt", "marketingConsentSource", tags, attributes
             FROM "Customer"
             WHERE "storeId" = $1::uuid AND (email = ANY($2::text[]) OR phone = ANY($3::text[]) OR id = ANY($4::uuid[]))`,
            storeId,
            [...emails],
            [...phones],
            customerIds,
          )
        ).map((row) => ({ ...row, birthday: row.birthday ? new Date(`${row.birthday}T00:00:00Z`) : null }));

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
      // One statement from one JSON parameter: Prisma's createMany compiles per row count and is the
      // slow part of a first import.
      const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
        `INSERT INTO "Customer" (id, "storeId", email, phone, "firstName", "lastName", locale, birthday,
           "marketingConsent", "marketingConsentAt", "marketingConsentSource", tags, attributes, "updatedAt")
         SELECT x.id, $1::uuid, x.email, x.phone, x."firstName", x."lastName", x.locale, x.birthday,
           x."marketingConsent", x."marketingConsentAt", x."marketingConsentSource",
           ARRAY(SELECT jsonb_array_elements_text(x.tags)), x.attributes, now()
         FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, email text, phone text, "firstName" text, "lastName" text,
           locale text, birthday date, "marketingConsent" boolean, "marketingConsentAt" timestamptz,
           "marketingConsentSource" text, tags jsonb, attributes jsonb)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        storeId,
        JSON.stringify(
          created.map((customer) => ({
            id: customer.id,
            email: customer.email,
            phone: customer.phone,
            firstName: customer.firstName,
            lastName: customer.lastName,
            locale: customer.locale,
            birthday: customer.birthday?.toISOString().slice(0, 10) ?? null,
            marketingConsent: customer.marketingConsent,
            marketingConsentAt: customer.marketingConsentAt?.toISOString() ?? null,
            marketingConsentSource: customer.marketingConsentSource,
            tags: customer.tags,
            attributes: customer.attributes,
          })),
        ),
      );
      createdIds.push(...rows.map((row) => row.id));
      if (rows.length < created.length) throw new ConcurrentChange('customer created concurrently');
    }
    if (newIdentities.length > 0) {
      const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
        `INSERT INTO "CustomerIdentity" (id, "storeId", "customerId", source, "externalId")
         SELECT x.id, $1::uuid, x."customerId", x.source, x."externalId"
         FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, "customerId" uuid, source text, "externalId" text)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        storeId,
        JSON.stringify(newIdentities.map((identity) => ({ id: uuidv7(), ...identity }))),
      );
      createdIdentityIds.push(...rows.map((row) => row.id));
      if (rows.length < newIdentities.length) throw new ConcurrentChange('identity linked concurrently');
    }
  } catch (error) {
    if (error instanceof ConcurrentChange) {
      if (createdIdentityIds.length > 0)
        await tx.customerIdentity.deleteMany({ where: { id: { in: createdIdentityIds } } });
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
  if (input.tags?.some((tag) => !customer.tags.includes(tag)))
    set('tags', [...new Set([...customer.tags, ...input.tags])]);
  if (input.attributes) {
    const merged = { ...customer.attributes, ...input.attributes };
    if (JSON.stringify(merged) !== JSON.stringify(customer.attributes)) set('attributes', merged);
  }
  if (input.marketingConsent) {
    const at = input.marketingConsent.at ?? context.now;
    // Only a newer, different decision counts: repeating the current one (every order of a
    // consenting shopper says so) keeps the time it was first given and writes nothing.
    const differs = input.marketingConsent.granted !== customer.marketingConsent || !customer.marketingConsentAt;
    if (differs && (!customer.marketingConsentAt || at >= customer.marketingConsentAt)) {
      set('marketingConsent', input.marketingConsent.granted);
      set('marketingConsentAt', at);
      set('marketingConsentSource', input.marketingConsent.source ?? context.source ?? null);
    }
  }
}

const partialUpdate = customerInput;

/**
 * Changes the given fields of a customer (null clears a field; tags and attributes are replaced as a
 * whole); identities are added, and removed only when named in `removeIdentities`.
 */
export async function updateCustomer(
  prisma: PrismaClient,
  storeId: string,
  customerId: string,
  input: CustomerInput,
  removeIdentities: { source: string; externalId: string }[] = [],
): Promise<string> {
  const data = parseInput(partialUpdate, input, 'input');
  const removals = parseInput(z.array(identityInput), removeIdentities, 'removeIdentities');
  if (!isUuid(customerId)) throw new NotFoundError('Customer');
  try {
    return await prisma.$transaction(async (tx) => {
      const customer = await tx.customer.findFirst({ where: { id: customerId, storeId }, select: { id: true } });
      if (!customer) throw new NotFoundError('Customer');
      for (const field of ['email', 'phone'] as const) {
        const value = data[field];
        if (!value) continue;
        const owner = await tx.customer.findFirst({ where: { storeId, [field]: value, NOT: { id: customerId } } });
        if (owner) throw new InvalidInputError(`input.${field}`, 'belongs to another customer');
      }
      const identities = data.identities ?? [];
      if (identities.length > 0) {
        const owners = await tx.customerIdentity.findMany({
          where: { storeId, OR: identities.map(({ source, externalId }) => ({ source, externalId })) },
          select: { source: true, externalId: true, customerId: true },
        });
        for (const [index, identity] of identities.entries()) {
          const owner = owners.find((row) => row.source === identity.source && row.externalId === identity.externalId);
          if (owner && owner.customerId !== customerId)
            throw new InvalidInputError(`input.identities.${index}`, 'belongs to another customer');
        }
        await tx.customerIdentity.createMany({
          data: identities.map((identity) => ({ storeId, customerId, ...identity })),
          skipDuplicates: true,
        });
      }
      if (removals.length > 0)
        await tx.customerIdentity.deleteMany({
          where: { storeId, customerId, OR: removals.map(({ source, externalId }) => ({ source, externalId })) },
        });
      const update: Prisma.CustomerUpdateManyMutationInput = {};
      for (const field of ['email', 'phone', 'firstName', 'lastName', 'locale'] as const)
        if (field in data) update[field] = data[field] ?? null;
      if ('birthday' in data) update.birthday = data.birthday ? new Date(`${data.birthday}T00:00:00Z`) : null;
      if (data.tags) update.tags = data.tags;
      if (data.attributes) update.attributes = data.attributes as Prisma.InputJsonObject;
      if ('marketingConsent' in data) {
        update.marketingConsent = data.marketingConsent?.granted ?? false;
        update.marketingConsentAt = data.marketingConsent ? (data.marketingConsent.at ?? new Date()) : new Date();
        update.marketingConsentSource = data.marketingConsent?.source ?? 'admin';
      }
      await tx.customer.updateMany({ where: { id: customerId, storeId }, data: update });
      return customerId;
    });
  } catch (error) {
    // A concurrent request took the email or phone after our check.
    if (isUniqueViolation(error)) throw new InvalidInputError('input', 'email or phone belongs to another customer');
    throw error;
  }
}

/** The Prisma `where` for a filter, with `segmentId` expanded to the segment's stored filter. */
export async function customerListWhere(
  prisma: PrismaClient,
  storeId: string,
  filter: unknown,
): Promise<Prisma.CustomerWhereInput> {
  const parsed = parseInput(customerFilterInput, filter ?? {}, 'filter');
  const where = customerWhere(storeId, parsed);
  if (!parsed.segmentId) return where;
  const segment = await prisma.segment.findFirst({
    where: { id: parsed.segmentId, storeId },
    select: { filter: true },
  });
  if (!segment) throw new InvalidInputError('filter.segmentId', 'is not a segment of this store');
  const segmentFilter = parseInput(customerFilterInput, segment.filter, 'filter.segmentId');
  return { AND: [where, customerWhere(storeId, { ...segmentFilter, segmentId: null })] };
}

const segmentInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  description: z.string().trim().max(1_000, 'must be at most 1000 characters').nullish(),
  filter: customerFilterInput.refine((filter) => !filter.segmentId, {
    message: 'a segment cannot refer to another segment',
    path: ['segmentId'],
  }),
});

export async function createSegment(prisma: PrismaClient, storeId: string, input: unknown): Promise<string> {
  const data = parseInput(segmentInput, input, 'input');
  try {
    const segment = await prisma.segment.create({
      data: {
        storeId,
        name: data.name,
        description: data.description ?? null,
        filter: toJson(stripNullish(data.filter)) as Prisma.InputJsonObject,
      },
      select: { id: true },
    });
    return segment.id;
  } catch (error) {
    if (isUniqueViolation(error)) throw new InvalidInputError('input.name', 'is already used by another segment');
    throw error;
  }
}

export async function deleteSegment(prisma: PrismaClient, storeId: string, segmentId: string): Promise<string> {
  if (!isUuid(segmentId)) throw new NotFoundError('Segment');
  const { count } = await prisma.segment.deleteMany({ where: { id: segmentId, storeId } });
  if (count === 0) throw new NotFoundError('Segment');
  return segmentId;
}

function stripNullish(value: object): object {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry != null));
}

import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError } from '../../errors.ts';
import type { LoyaltyProgram, LoyaltyProgramVersion, Prisma } from '../../generated/prisma/client.ts';
import { currencyExponent } from '../imports/values.ts';
import { firstIssue } from '../stores/stores.validation.ts';
import { DEFAULT_RULES, type ProgramRules, parseProgramRules, programRulesSchema } from './program-rules.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/** The program's rules in force at one instant. */
export interface ActiveRules {
  programId: string;
  name: string;
  enabled: boolean;
  referralUrl: string | null;
  /** 0 for the built-in defaults of a store that never configured its program. */
  version: number;
  effectiveFrom: Date;
  rules: ProgramRules;
}

interface CachedProgram {
  program: LoyaltyProgram | null;
  /** Newest first. */
  versions: { version: number; effectiveFrom: Date; rules: ProgramRules }[];
  loadedAt: number;
}

/**
 * Versions are immutable and only ever added, so a short-lived per-process cache is safe: another
 * API process sees a new version after at most CACHE_MS (this process at once).
 */
const CACHE_MS = 5_000;
const cache = new Map<string, CachedProgram>();

export function forgetProgramCache(storeId?: string): void {
  if (storeId) cache.delete(storeId);
  else cache.clear();
}

async function loadProgram(db: Db, storeId: string): Promise<CachedProgram> {
  const hit = cache.get(storeId);
  if (hit && Date.now() - hit.loadedAt < CACHE_MS) return hit;
  const program = await db.loyaltyProgram.findUnique({ where: { storeId } });
  const versions = program
    ? await db.loyaltyProgramVersion.findMany({
        where: { storeId },
        orderBy: [{ effectiveFrom: 'desc' }, { version: 'desc' }],
        select: { version: true, effectiveFrom: true, rules: true },
      })
    : [];
  const loaded: CachedProgram = {
    program,
    versions: versions.map((row) => ({ ...row, rules: parseProgramRules(row.rules) })),
    loadedAt: Date.now(),
  };
  cache.set(storeId, loaded);
  return loaded;
}

/** The rules in force at `at` (the latest version whose effectiveFrom is not after it). */
export async function rulesAt(db: Db, storeId: string, at: Date = new Date()): Promise<ActiveRules> {
  const { program, versions } = await loadProgram(db, storeId);
  const version = versions.find((candidate) => candidate.effectiveFrom.getTime() <= at.getTime());
  return {
    programId: program?.id ?? '',
    name: program?.name ?? 'Rewards',
    enabled: program?.enabled ?? true,
    referralUrl: program?.referralUrl ?? null,
    version: version?.version ?? 0,
    effectiveFrom: version?.effectiveFrom ?? new Date(0),
    rules: version?.rules ?? DEFAULT_RULES,
  };
}

export interface ProgramInput {
  name?: string | null;
  enabled?: boolean | null;
  referralUrl?: string | null;
  /** New rules: a new version, in force from `effectiveFrom` (default now). */
  rules?: unknown;
  effectiveFrom?: Date | null;
  note?: string | null;
}

/** Updates the program's settings and, when rules are given, adds a version. Invalid rules change nothing. */
export async function updateProgram(
  prisma: PrismaClient,
  storeId: string,
  input: ProgramInput,
): Promise<{ program: LoyaltyProgram; version: LoyaltyProgramVersion | null }> {
  if (input.name !== undefined && input.name !== null && (input.name.trim() === '' || input.name.length > 80))
    throw new InvalidInputError('name', 'must be 1 to 80 characters');
  if (input.referralUrl) {
    let url: URL | undefined;
    try {
      url = new URL(input.referralUrl);
    } catch {}
    if (!url || !/^https?:$/.test(url.protocol))
      throw new InvalidInputError('referralUrl', 'must be an absolute http(s) URL');
  }
  let rules: ProgramRules | undefined;
  if (input.rules !== undefined && input.rules !== null) {
    const parsed = programRulesSchema.safeParse(input.rules);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new InvalidInputError(`rules.${issue.field}`, issue.rule);
    }
    rules = parsed.data;
  }
  const now = new Date();
  const effectiveFrom = input.effectiveFrom ?? now;
  if (effectiveFrom.getTime() < now.getTime() - 60_000)
    throw new InvalidInputError('effectiveFrom', 'must not be in the past: a change applies from a date forward');

  const result = await prisma.$transaction(async (tx) => {
    const program = await tx.loyaltyProgram.upsert({
      where: { storeId },
      create: {
        storeId,
        name: input.name?.trim() || 'Rewards',
        enabled: input.enabled ?? true,
        referralUrl: input.referralUrl ?? null,
      },
      update: {
        ...(input.name ? { name: input.name.trim() } : {}),
        ...(input.enabled !== undefined && input.enabled !== null ? { enabled: input.enabled } : {}),
        ...(input.referralUrl !== undefined ? { referralUrl: input.referralUrl } : {}),
      },
    });
    // Serialises version numbering per store.
    await tx.$queryRaw`SELECT id FROM "LoyaltyProgram" WHERE id = ${program.id}::uuid FOR UPDATE`;
    let version: LoyaltyProgramVersion | null = null;
    if (rules) {
      const last = await tx.loyaltyProgramVersion.findFirst({
        where: { storeId },
        orderBy: { version: 'desc' },
        select: { version: true },
      });
      version = await tx.loyaltyProgramVersion.create({
        data: {
          storeId,
          programId: program.id,
          version: (last?.version ?? 0) + 1,
          // The first version covers the past too, so earlier orders are scored by it.
          effectiveFrom: last ? effectiveFrom : input.effectiveFrom ? effectiveFrom : new Date(0),
          rules: rules as unknown as Prisma.InputJsonValue,
          note: input.note ?? null,
        },
      });
    }
    return { program, version };
  });
  forgetProgramCache(storeId);
  return result;
}

export async function listProgramVersions(db: Db, storeId: string): Promise<LoyaltyProgramVersion[]> {
  return db.loyaltyProgramVersion.findMany({ where: { storeId }, orderBy: { version: 'desc' } });
}

/** Minor units per currency unit (EUR 100, JPY 1), as the importer counts them. */
export function minorUnitsPer(currency: string): number {
  return 10 ** (currencyExponent(currency) ?? 2);
}

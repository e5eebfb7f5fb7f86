import type { PrismaClient } from '../../db/database.ts';
import { lotExpiry } from './earning.ts';
import { inTransaction, type PostedEntry, postEntry, type Tx } from './ledger.service.ts';
import { rulesAt } from './program.service.ts';
import { bonusFor } from './program-rules.ts';

export interface BonusInput {
  storeId: string;
  customerId: string;
  /** SIGN_UP, BIRTHDAY, FIRST_ORDER, REVIEW, SURVEY_ANSWER, REFERRAL or custom:<key>. */
  action: string;
  /** What it is for: the idempotency key is `bonus:<action>:<customerId>:<sourceRef>`. */
  sourceRef: string;
  /** When it happened (default now): picks the rules version and starts the expiry clock. */
  occurredAt?: Date;
  actor?: string;
}

/** The ledger source of a bonus row. */
export function bonusSource(action: string): string {
  if (action === 'REVIEW') return 'REVIEW';
  if (action === 'SURVEY_ANSWER') return 'SURVEY';
  if (action === 'REFERRAL') return 'REFERRAL';
  return 'BONUS';
}

export function bonusKey(action: string, customerId: string, sourceRef: string): string {
  return `bonus:${action}:${customerId}:${sourceRef}`;
}

const LABELS: Record<string, string> = {
  SIGN_UP: 'Welcome bonus',
  BIRTHDAY: 'Birthday bonus',
  FIRST_ORDER: 'First order bonus',
  REVIEW: 'Review bonus',
  SURVEY_ANSWER: 'Survey bonus',
  REFERRAL: 'Referral bonus',
};

/** awardBonus inside the caller's transaction. */
export async function awardBonusInTx(tx: Tx, input: BonusInput): Promise<PostedEntry | null> {
  const occurredAt = input.occurredAt ?? new Date();
  const active = await rulesAt(tx, input.storeId, occurredAt);
  if (!active.enabled) return null;
  const bonus = bonusFor(active.rules, input.action);
  if (!bonus) return null;
  return postEntry(tx, {
    storeId: input.storeId,
    customerId: input.customerId,
    kind: 'EARN',
    points: bonus.points,
    source: bonusSource(input.action),
    sourceRef: input.sourceRef,
    reason: bonus.description || LABELS[input.action] || `Bonus: ${input.action.replace(/^custom:/, '')}`,
    idempotencyKey: bonusKey(input.action, input.customerId, input.sourceRef),
    actor: input.actor ?? 'system',
    metadata: { action: input.action, rulesVersion: active.version },
    occurredAt,
    expiresAt: lotExpiry(active.rules, occurredAt),
  });
}

/**
 * Gives the program's bonus for `action` once per (action, customer, sourceRef). Returns null when
 * the program is disabled or has no bonus for the action; a repeat returns the first row (replayed).
 */
export async function awardBonus(prisma: PrismaClient, input: BonusInput): Promise<PostedEntry | null> {
  const active = await rulesAt(prisma, input.storeId, input.occurredAt ?? new Date());
  // Most events (every customer created by an import) find no bonus: answer without a transaction.
  if (!active.enabled || !bonusFor(active.rules, input.action)) return null;
  return inTransaction(prisma, (tx) => awardBonusInTx(tx, input));
}

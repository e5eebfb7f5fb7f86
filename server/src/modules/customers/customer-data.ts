import type { Prisma } from '../../generated/prisma/client.ts';

type Tx = Prisma.TransactionClient;

/**
 * A module that keeps data about a customer (loyalty points, feedback, reviews...) registers here so
 * that GDPR export and erasure, and merges, cover it too. Every hook runs inside the transaction of
 * the operation and must stay within `storeId`.
 */
export interface CustomerDataParticipant {
  /** Key of this module's section in the export, e.g. "loyalty". */
  name: string;
  /** Everything the module holds about the customer, as plain JSON. */
  export(tx: Tx, storeId: string, customerId: string): Promise<unknown>;
  /** Removes or anonymises it; returns counts for the erasure record (no personal data). */
  erase(tx: Tx, storeId: string, customerId: string): Promise<Record<string, number> | undefined>;
  /** Moves the merged customer's data to the kept one; returns counts for the merge record. */
  merge?(
    tx: Tx,
    storeId: string,
    keptCustomerId: string,
    mergedCustomerId: string,
  ): Promise<Record<string, number> | undefined>;
}

const participants = new Map<string, CustomerDataParticipant>();

/** Registers (or replaces, by name) a participant; call it at module load time. */
export function registerCustomerDataParticipant(participant: CustomerDataParticipant): void {
  participants.set(participant.name, participant);
}

export function customerDataParticipants(): CustomerDataParticipant[] {
  return [...participants.values()];
}

/** JSON-safe copy: BigInt money as numbers, dates as ISO strings. */
export function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, toJson(entry)]));
  return value;
}

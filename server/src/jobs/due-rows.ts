import type { PrismaClient } from '../db/database.ts';
import type { Prisma } from '../generated/prisma/client.ts';

/** What deciding one due row did: made it DUE (sent), SKIPPED it for a reason, or nothing (already decided). */
export type DueOutcome<Reason extends string> =
  | { status: 'DUE' }
  | { status: 'SKIPPED'; reason: Reason }
  | { status: 'NONE' };

export interface DueRowsReport<Reason extends string> {
  due: number;
  skipped: number;
  skippedBy: Partial<Record<Reason, number>>;
}

const PAGE = 200;

/**
 * Decides due rows one by one, each in its own transaction: `nextPage` lists ids of rows still waiting
 * (earliest first, at most `take`); decided rows leave that list, so each page starts from the top
 * again, and ids already tried are not retried within this run. Tallies DUE and SKIPPED by reason.
 * Used by the survey invitation and review request jobs; `decide` takes the row locks it needs, so
 * concurrent runs decide each row once.
 */
export async function decideDueRows<Reason extends string>(
  prisma: PrismaClient,
  nextPage: (take: number) => Promise<{ id: string }[]>,
  decide: (tx: Prisma.TransactionClient, id: string) => Promise<DueOutcome<Reason>>,
): Promise<DueRowsReport<Reason>> {
  const report: DueRowsReport<Reason> = { due: 0, skipped: 0, skippedBy: {} };
  const seen = new Set<string>();
  for (;;) {
    const unseen = (await nextPage(PAGE)).filter((row) => !seen.has(row.id));
    if (unseen.length === 0) return report;
    for (const { id } of unseen) {
      seen.add(id);
      const outcome = await prisma.$transaction((tx) => decide(tx, id), { maxWait: 30_000, timeout: 60_000 });
      if (outcome.status === 'DUE') report.due++;
      else if (outcome.status === 'SKIPPED') {
        report.skipped++;
        report.skippedBy[outcome.reason] = (report.skippedBy[outcome.reason] ?? 0) + 1;
      }
    }
  }
}

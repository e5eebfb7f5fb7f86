import { type Command } from 'commander';
import type { KantaConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { JobStep, LoyaltyJobsReport } from '../modules/loyalty/jobs.service.ts';
import { instantOption, printJson, printTable, stepProgress, storeIdOption } from './output.ts';

export interface LoyaltyCommandHelpers {
  /** Opens the configured database (migrated), runs `action`, closes it. */
  withDatabase<T>(action: (db: Database, config: KantaConfig) => Promise<T>): Promise<T>;
}

const number = new Intl.NumberFormat('en');

const STEP_LABELS: Record<JobStep, string> = {
  expiry: 'expiring points',
  warnings: 'expiry warnings',
  tiers: 'tiers',
  referrals: 'referral rewards',
  birthdays: 'birthday bonuses',
  codes: 'reward codes',
};

function printReport(report: LoyaltyJobsReport, now: Date): void {
  process.stdout.write(
    `${[
      `Loyalty jobs ran at ${now.toISOString()}.`,
      `  expired:           ${number.format(report.expiredPoints)} points in ${number.format(report.expiredLots)} lots`,
      `  expiry warnings:   ${number.format(report.warnings)}`,
      `  tier changes:      ${number.format(report.tierChanges)}`,
      `  referral rewards:  ${number.format(report.referralRewards)}`,
      `  birthday bonuses:  ${number.format(report.birthdayBonuses)}`,
      `  expired codes:     ${number.format(report.expiredCodes)}`,
    ].join('\n')}\n`,
  );
}

/** `kanta loyalty jobs|reconcile`. */
export function registerLoyaltyCommands(program: Command, helpers: LoyaltyCommandHelpers): void {
  const loyalty = program.command('loyalty').description('Loyalty program maintenance.');

  loyalty
    .command('jobs')
    .description(
      'Run the scheduled loyalty work now: expire points, warn about expiring points, re-evaluate tiers, ' +
        'pay referral rewards, give birthday bonuses and expire reward codes. Safe to run any time, repeatedly.',
    )
    .option('--now <iso>', 'act as if it were this instant (default: now)', instantOption)
    .option('--store <id>', 'only this store (default: every store)', storeIdOption)
    .option('--json', 'print the report as JSON')
    .action(async (options: { now?: Date; store?: string; json?: boolean }) => {
      const { runLoyaltyJobs } = await import('../modules/loyalty/jobs.service.ts');
      const now = options.now ?? new Date();
      const progress = stepProgress('loyalty jobs', STEP_LABELS);
      let report: LoyaltyJobsReport;
      try {
        report = await helpers.withDatabase((db) =>
          runLoyaltyJobs(db.prisma, { now, storeId: options.store, onProgress: progress.onProgress }),
        );
      } finally {
        progress.done();
      }
      if (options.json) printJson({ now: now.toISOString(), ...report });
      else printReport(report, now);
    });

  loyalty
    .command('reconcile')
    .description(
      'Recompute every points balance from the ledger and the lots; lists the accounts that disagree and exits 1 if any.',
    )
    .option('--store <id>', 'only this store (default: every store)', storeIdOption)
    .option('--json', 'print JSON')
    .action(async (options: { store?: string; json?: boolean }) => {
      const { reconcile } = await import('../modules/loyalty/ledger.service.ts');
      const result = await helpers.withDatabase(async (db) => {
        const stores = options.store
          ? [options.store]
          : (await db.prisma.loyaltyAccount.findMany({ distinct: ['storeId'], select: { storeId: true } })).map(
              (row) => row.storeId,
            );
        const issues: { storeId: string; customerId: string; balance: number; ledgerSum: number; lotSum: number }[] =
          [];
        let accounts = 0;
        for (const id of stores) {
          accounts += await db.prisma.loyaltyAccount.count({ where: { storeId: id } });
          for (const issue of await reconcile(db.prisma, id)) issues.push({ storeId: id, ...issue });
        }
        return { stores: stores.length, accounts, issues };
      });
      if (options.json) printJson({ ...result, ok: result.issues.length === 0 });
      else if (result.issues.length === 0)
        process.stdout.write(
          `OK: ${number.format(result.accounts)} accounts in ${number.format(result.stores)} store(s) match their ledgers.\n`,
        );
      else {
        process.stdout.write(`${number.format(result.issues.length)} account(s) disagree with their ledger:\n`);
        printTable(result.issues, ['storeId', 'customerId', 'balance', 'ledgerSum', 'lotSum']);
      }
      if (result.issues.length > 0) process.exitCode = 1;
    });
}

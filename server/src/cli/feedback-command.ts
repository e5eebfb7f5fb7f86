import type { Command } from 'commander';
import type { KantaConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { instantOption, printJson, storeIdOption } from './output.ts';

export interface FeedbackCommandHelpers {
  /** Opens the configured database (migrated), runs `action`, closes it. */
  withDatabase<T>(action: (db: Database, config: KantaConfig) => Promise<T>): Promise<T>;
}

/** `kanta feedback jobs`. */
export function registerFeedbackCommands(program: Command, helpers: FeedbackCommandHelpers): void {
  const feedback = program.command('feedback').description('Surveys, reviews and follow-up maintenance.');

  feedback
    .command('jobs')
    .description(
      'Run the scheduled feedback work now: invite customers after support contacts and turn due survey ' +
        'invitations into survey.invitation.due events and due review requests into review.request.due (or ' +
        'skip them: no consent, frequency cap). Safe to repeat.',
    )
    .option('--now <iso>', 'act as if it were this instant (default: now)', instantOption)
    .option('--store <id>', 'only this store (default: every store)', storeIdOption)
    .option('--json', 'print the report as JSON')
    .action(async (options: { now?: Date; store?: string; json?: boolean }) => {
      const { runFeedbackJobs } = await import('../modules/feedback/feedback.jobs.ts');
      const now = options.now ?? new Date();
      process.stderr.write('feedback jobs: running…\n');
      const report = await helpers.withDatabase((db) =>
        runFeedbackJobs(db.prisma, { now, ...(options.store ? { storeId: options.store } : {}) }),
      );
      if (options.json) printJson({ now: now.toISOString(), ...report });
      else
        process.stdout.write(
          `Feedback jobs ran at ${now.toISOString()}.\n` +
            `  support-contact invitations created: ${report.supportInvitations}\n` +
            `  invitations due (events emitted):    ${report.due}\n` +
            `  invitations skipped:                 ${report.skipped}` +
            (report.skipped > 0 ? ` (${JSON.stringify(report.skippedBy)})` : '') +
            '\n' +
            `  review requests due (events emitted): ${report.reviewRequestsDue}\n` +
            `  review requests skipped:              ${report.reviewRequestsSkipped}` +
            (report.reviewRequestsSkipped > 0 ? ` (${JSON.stringify(report.reviewRequestsSkippedBy)})` : '') +
            '\n',
        );
    });
}

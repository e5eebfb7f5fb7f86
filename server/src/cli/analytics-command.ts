import fs from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import type { KantaConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { AnalyticsJobStep, AnalyticsJobsReport } from '../modules/analytics/jobs.service.ts';
import { RFM_SEGMENTS, type RfmSegment } from '../modules/analytics/rfm.ts';
import { CliError, instantOption, printJson, printTable, stepProgress, storeIdOption } from './output.ts';

export interface AnalyticsCommandHelpers {
  /** Opens the configured database (migrated), runs `action`, closes it. */
  withDatabase<T>(action: (db: Database, config: KantaConfig) => Promise<T>): Promise<T>;
}

const number = new Intl.NumberFormat('en');

const STEP_LABELS: Record<AnalyticsJobStep, string> = {
  segments: 'RFM segments',
  models: 'purchase and spend models',
  targets: 'targets',
};

function segmentOption(value: string): RfmSegment {
  const upper = value.toUpperCase().replace(/-/g, '_');
  if (!(RFM_SEGMENTS as readonly string[]).includes(upper))
    throw new InvalidArgumentError(`must be one of ${RFM_SEGMENTS.join(', ')}`);
  return upper as RfmSegment;
}

function printReport(report: AnalyticsJobsReport, now: Date): void {
  process.stdout.write(
    `${[
      `Analytics jobs ran at ${now.toISOString()} for ${number.format(report.stores)} store(s).`,
      `  customers segmented:  ${number.format(report.segmentedCustomers)}`,
      `  models fitted:        ${number.format(report.modelsFitted)}`,
      `  targets evaluated:    ${number.format(report.targetsEvaluated)} (${number.format(report.offTrack)} off track)`,
      ...(report.failedStores > 0
        ? [`  FAILED stores:        ${number.format(report.failedStores)} (see the log)`]
        : []),
    ].join('\n')}\n`,
  );
}

/** `kanta analytics jobs|fit|segments`. */
export function registerAnalyticsCommands(program: Command, helpers: AnalyticsCommandHelpers): void {
  const analytics = program.command('analytics').description('Metrics, segments and predictions.');

  analytics
    .command('jobs')
    .description(
      'Run the scheduled analytics work now: recompute RFM segments, refit the purchase and spend models ' +
        'where due, and judge targets for completed periods (emitting metric.off_track). Safe to repeat.',
    )
    .option('--now <iso>', 'act as if it were this instant (default: now)', instantOption)
    .option('--store <id>', 'only this store (default: every store with orders)', storeIdOption)
    .option('--refit', 'refit the models whatever the age of the last fit')
    .option('--json', 'print the report as JSON')
    .action(async (options: { now?: Date; store?: string; refit?: boolean; json?: boolean }) => {
      const { runAnalyticsJobs } = await import('../modules/analytics/jobs.service.ts');
      const now = options.now ?? new Date();
      const progress = stepProgress('analytics jobs', STEP_LABELS);
      let report: AnalyticsJobsReport;
      try {
        report = await helpers.withDatabase((db, config) =>
          runAnalyticsJobs(db.prisma, {
            now,
            storeId: options.store,
            refit: options.refit ?? false,
            refitHours: config.modelRefitHours,
            onProgress: progress.onProgress,
          }),
        );
      } finally {
        progress.done();
      }
      if (options.json) printJson({ now: now.toISOString(), ...report });
      else printReport(report, now);
      if (report.failedStores > 0) process.exitCode = 1;
    });

  analytics
    .command('fit')
    .description(
      'Fit the BG/NBD purchase model and the Gamma-Gamma spend model for a store now, store the ' +
        'parameters and recompute every customer’s prediction (probability alive, expected purchases, CLV, churn risk).',
    )
    .requiredOption('--store <id>', 'the store', storeIdOption)
    .option('--calibration-end <iso>', 'use purchases before this instant (default: now)', instantOption)
    .option('--json', 'print the fit as JSON')
    .action(async (options: { store: string; calibrationEnd?: Date; json?: boolean }) => {
      const { fitCustomerModels } = await import('../modules/analytics/clv/clv.service.ts');
      const { InvalidInputError } = await import('../errors.ts');
      process.stderr.write('analytics fit: summarising purchases and fitting…\n');
      const fit = await helpers
        .withDatabase((db) =>
          fitCustomerModels(db.prisma, options.store, {
            ...(options.calibrationEnd ? { calibrationEnd: options.calibrationEnd } : {}),
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof InvalidInputError) throw new CliError(`cannot fit: ${error.field} ${error.rule}`);
          throw error;
        });
      if (options.json) printJson(fit);
      else {
        process.stdout.write(
          `Fitted on ${number.format(fit.customers)} customers (${number.format(fit.repeatCustomers)} with repeat purchases), calibration end ${fit.calibrationEnd.toISOString()}.\n`,
        );
        printTable(
          [
            {
              model: 'BG/NBD',
              parameters: `r=${fit.r.toFixed(4)} alpha=${fit.alpha.toFixed(4)} a=${fit.a.toFixed(4)} b=${fit.b.toFixed(4)}`,
            },
            {
              model: 'Gamma-Gamma',
              parameters:
                fit.p == null
                  ? 'not fitted (too few repeat customers)'
                  : `p=${fit.p.toFixed(4)} q=${fit.q!.toFixed(4)} gamma=${fit.gamma!.toFixed(4)}`,
            },
          ],
          ['model', 'parameters'],
        );
      }
    });

  analytics
    .command('segments')
    .description(
      'Recompute the RFM segments of a store and print the summary, or export customers (all, or one ' +
        'segment) as CSV with --output.',
    )
    .requiredOption('--store <id>', 'the store', storeIdOption)
    .option('--segment <name>', `only this segment (${RFM_SEGMENTS.join(', ')})`, segmentOption)
    .option('--output <file>', 'write the customers as CSV to this file ("-" for stdout)')
    .option('--now <iso>', 'score recency as of this instant (default: now)', instantOption)
    .option('--json', 'print the summary as JSON')
    .action(async (options: { store: string; segment?: RfmSegment; output?: string; now?: Date; json?: boolean }) => {
      const rfm = await import('../modules/analytics/rfm.service.ts');
      const summary = await helpers.withDatabase(async (db) => {
        await rfm.recomputeRfm(db.prisma, options.store, { now: options.now ?? new Date() });
        if (options.output) {
          const out: NodeJS.WritableStream =
            options.output === '-' ? process.stdout : fs.createWriteStream(options.output);
          let rows = 0;
          for await (const chunk of rfm.exportRfmCsv(db.prisma, options.store, options.segment ?? null)) {
            rows += chunk.rows;
            if (!out.write(chunk.text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
          }
          if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
          process.stderr.write(`exported ${number.format(rows)} customer(s)\n`);
        }
        return rfm.rfmSummary(db.prisma, options.store);
      });
      if (options.output === '-') return;
      if (options.json) printJson(summary);
      else
        printTable(summary.segments as unknown as Record<string, unknown>[], [
          'segment',
          'customers',
          'share',
          'avgDaysSinceLastPurchase',
          'avgPurchases',
          'avgNetSpent',
        ]);
    });
}

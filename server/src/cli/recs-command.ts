import { type Command, InvalidArgumentError } from 'commander';
import type { KantaConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { BuildReport } from '../modules/recommendations/build.service.ts';
import type { EvaluationReport } from '../modules/recommendations/evaluation.ts';
import type { RecommendationJobStep } from '../modules/recommendations/jobs.service.ts';
import { CliError, instantOption, printJson, printTable, stepProgress, storeIdOption } from './output.ts';

export interface RecsCommandHelpers {
  /** Opens the configured database (migrated), runs `action`, closes it. */
  withDatabase<T>(action: (db: Database, config: KantaConfig) => Promise<T>): Promise<T>;
}

const number = new Intl.NumberFormat('en');

const STEP_LABELS: Record<RecommendationJobStep, string> = {
  stores: 'stores built',
  read: 'reading purchases',
  model: 'computing models',
  write: 'writing rows',
};

function integerOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max)
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return parsed;
  };
}

interface StoreBuild extends BuildReport {
  storeId: string;
}

function printRebuild(
  report: { stores: number; full: number; incremental: number; skipped: number; failedStores: number },
  builds: StoreBuild[],
  now: Date,
): void {
  process.stdout.write(
    `${[
      `Recommendation models built at ${now.toISOString()} for ${number.format(report.stores)} store(s).`,
      `  full builds:         ${number.format(report.full)}`,
      `  incremental builds:  ${number.format(report.incremental)}`,
      `  skipped (no change): ${number.format(report.skipped)}`,
      ...(report.failedStores > 0 ? [`  FAILED stores:       ${number.format(report.failedStores)} (see stderr)`] : []),
    ].join('\n')}\n`,
  );
  if (builds.length === 0) return;
  process.stdout.write('\n');
  printTable(
    builds.map((build) => ({
      store: build.storeId,
      kind: build.skipped ? `${build.kind} (skipped)` : build.kind,
      orderLines: number.format(build.orderLines),
      products: number.format(build.products),
      changed: number.format(build.changedProducts),
      neighbours: number.format(build.neighbours),
      seconds: (build.durationMs / 1000).toFixed(1),
    })),
    ['store', 'kind', 'orderLines', 'products', 'changed', 'neighbours', 'seconds'],
  );
}

/** `kanta recs rebuild|evaluate`. */
export function registerRecsCommands(program: Command, helpers: RecsCommandHelpers): void {
  const recs = program
    .command('recs')
    .description('Recommendation models: rebuild them now, or measure how well they predict purchases.');

  recs
    .command('rebuild')
    .description(
      'Rebuild the recommendation models (co-purchase neighbours and popularity) now, as the scheduler ' +
        'does: a full build when a store has none or its last one is older than KANTA_RECS_FULL_REBUILD_HOURS, ' +
        'else an incremental one (skipped when no order changed). Progress goes to stderr. Safe to repeat.',
    )
    .option('--store <id>', 'only this store (default: every store with orders)', storeIdOption)
    .option('--full', 'recompute every list, whatever changed')
    .option('--json', 'print the report as JSON')
    .action(async (options: { store?: string; full?: boolean; json?: boolean }) => {
      const { runRecommendationJobs } = await import('../modules/recommendations/jobs.service.ts');
      const now = new Date();
      const progress = stepProgress('recs rebuild', STEP_LABELS);
      const builds: StoreBuild[] = [];
      let report: Awaited<ReturnType<typeof runRecommendationJobs>>;
      try {
        report = await helpers.withDatabase(async (db, config) => {
          if (
            options.store &&
            !(await db.prisma.store.findUnique({ where: { id: options.store }, select: { id: true } }))
          )
            throw new CliError(`no store with id ${options.store} (see \`kanta store list\`)`);
          return runRecommendationJobs(db.prisma, {
            now,
            storeId: options.store,
            full: options.full ?? false,
            fullRebuildHours: config.recsFullRebuildHours,
            onProgress: progress.onProgress,
            onStore: (storeId, outcome) => {
              if ('build' in outcome) builds.push({ storeId, ...outcome.build });
              else {
                progress.done();
                const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
                process.stderr.write(`recs rebuild: store ${storeId} FAILED: ${message}\n`);
              }
            },
          });
        });
      } finally {
        progress.done();
      }
      if (options.json) printJson({ now: now.toISOString(), ...report, builds });
      else printRebuild(report, builds, now);
      if (report.failedStores > 0) process.exitCode = 1;
    });

  recs
    .command('evaluate')
    .description(
      'Measure the personalised model against plain popularity on past orders: train on purchases before ' +
        'the cutoff, recommend k products to each customer who ordered again, and score the lists against ' +
        'that next order (hit rate, precision, recall, NDCG at k; coverage; novelty). Either a store ' +
        '(read only, changes nothing) or --synthetic, a seeded generated shop that needs no database.',
    )
    .option('--store <id>', 'evaluate this store’s purchases', storeIdOption)
    .option('--synthetic', 'evaluate a generated shop instead of a store (no database)')
    .option('--seed <n>', 'with --synthetic: the generator seed', integerOption('--seed', 0, 2 ** 31 - 1), 1)
    .option('--customers <n>', 'with --synthetic: how many customers', integerOption('--customers', 10, 200_000), 3_000)
    .option(
      '--cutoff <iso>',
      'train before this instant, test the first order after it (default: 20 % of the orders are after it)',
      instantOption,
    )
    .option('--k <n>', 'list length', integerOption('--k', 1, 100), 10)
    .option('--json', 'print the report as JSON')
    .action(
      async (options: {
        store?: string;
        synthetic?: boolean;
        seed: number;
        customers: number;
        cutoff?: Date;
        k: number;
        json?: boolean;
      }) => {
        if (options.store && options.synthetic) throw new CliError('give either --store <id> or --synthetic, not both');
        if (!options.store && !options.synthetic) throw new CliError('give --store <id> or --synthetic');
        let report: EvaluationReport;
        if (options.synthetic) {
          const { generateSyntheticShop, syntheticIsRepeat, syntheticPurchases } = await import(
            '../modules/recommendations/synthetic.ts'
          );
          const { defaultCutoff, evaluateModels } = await import('../modules/recommendations/evaluation.ts');
          process.stderr.write(
            `recs evaluate: generating a shop with ${number.format(options.customers)} customers (seed ${options.seed})…\n`,
          );
          const data = generateSyntheticShop({ seed: options.seed, customers: options.customers });
          const purchases = syntheticPurchases(data);
          const cutoff = options.cutoff?.getTime() ?? defaultCutoff(purchases) ?? Date.now();
          report = evaluateModels(purchases, { cutoff, k: options.k, isRepeat: syntheticIsRepeat(data) });
        } else {
          const { evaluateStore } = await import('../modules/recommendations/evaluate.service.ts');
          const { InvalidInputError } = await import('../errors.ts');
          const storeId = options.store!;
          process.stderr.write('recs evaluate: reading purchases and training…\n');
          report = await helpers
            .withDatabase((db) =>
              evaluateStore(db.prisma, storeId, {
                k: options.k,
                ...(options.cutoff ? { cutoff: options.cutoff } : {}),
              }),
            )
            .catch((error: unknown) => {
              if (error instanceof InvalidInputError)
                throw new CliError(`cannot evaluate: ${error.field} ${error.rule}`);
              throw error;
            });
        }
        if (options.json)
          printJson({
            ...(options.synthetic ? { seed: options.seed, customers: options.customers } : { storeId: options.store }),
            ...report,
          });
        else {
          const { formatEvaluation } = await import('../modules/recommendations/evaluation.ts');
          process.stdout.write(`${formatEvaluation(report).trimEnd()}\n`);
        }
      },
    );
}

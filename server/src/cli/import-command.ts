import { type Command } from 'commander';
import type { KantaConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { ImportProgress, ImportReport } from '../modules/imports/imports.service.ts';
// Small and pure: the help text lists the presets and fields.
import { CUSTOMER_FIELDS, ORDER_FIELDS, ORDER_PRESETS, PRODUCT_FIELDS } from '../modules/imports/presets.ts';
import { CliError, printJson, storeIdOption } from './output.ts';

export interface ImportCommandHelpers {
  withDatabase<T>(action: (db: Database, config: KantaConfig) => Promise<T>): Promise<T>;
}

/** Loaded when an import runs, so `kanta --help` stays fast. */
const importsModule = () => import('../modules/imports/imports.service.ts');

/** The report lists this many skipped rows one by one; all are counted. */
const SKIPS_LISTED = 20;

function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const number = new Intl.NumberFormat('en');

/**
 * Progress on stderr: a redrawn bar on a terminal; elsewhere (CI logs, pipes) a plain line every
 * few seconds so the log shows the import is alive without flooding it.
 */
function progressReporter(label: string): { onProgress(progress: ImportProgress): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  return {
    onProgress(progress) {
      const percent = progress.totalBytes > 0 ? Math.min(100, (progress.bytesRead / progress.totalBytes) * 100) : 100;
      const rate = progress.elapsedMs > 0 ? Math.round((progress.rows * 1000) / progress.elapsedMs) : 0;
      const text = `${number.format(progress.rows)} rows, ${number.format(rate)} rows/s, ${percent.toFixed(0)}% of the file`;
      if (tty) {
        const width = 24;
        const filled = Math.round((percent / 100) * width);
        process.stderr.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
        drawn = true;
      } else if (progress.elapsedMs - lastLine >= 5000) {
        lastLine = progress.elapsedMs;
        process.stderr.write(`${label}: ${text}\n`);
      }
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

function printReport(report: ImportReport, storeId: string): void {
  const out: string[] = [];
  const noun = report.kind;
  out.push(
    report.dryRun
      ? `Dry run: checked ${report.file} for store ${storeId}; nothing was written.`
      : `Imported ${noun} from ${report.file} into store ${storeId}.`,
  );
  out.push(`  rows read:        ${number.format(report.rows)}`);
  const imported = `${number.format(report.imported)} ${noun}`;
  if (report.orders) {
    const o = report.orders;
    out.push(
      `  ${report.dryRun ? 'would import:    ' : 'imported (new):  '} ${imported}, ${number.format(o.lines)} lines (${number.format(o.returns)} returns, ${number.format(o.guests)} guest orders)`,
    );
    out.push(`  already present:  ${number.format(report.alreadyPresent)} (re-recording an order changes nothing)`);
    if (o.cancelled) out.push(`  cancelled:        ${number.format(o.cancelled)}`);
    if (o.refused) out.push(`  refused orders:   ${number.format(o.refused)}`);
  } else {
    out.push(`  ${report.dryRun ? 'would import:    ' : 'imported (new):  '} ${imported}`);
    out.push(
      `  already present:  ${number.format(report.alreadyPresent)}${report.updated ? ` (${number.format(report.updated)} updated)` : ''}`,
    );
  }
  out.push(`  skipped:          ${number.format(report.skipped.count)} rows`);
  for (const skip of report.skipped.rows) out.push(`    line ${skip.line}: ${skip.reason}`);
  const more = report.skipped.count - report.skipped.rows.length;
  if (more > 0) out.push(`    … and ${number.format(more)} more`);
  if (report.skipped.count > 0) {
    out.push('  skipped by reason:');
    for (const [reason, count] of Object.entries(report.skipped.reasons).sort((a, b) => b[1] - a[1]))
      out.push(`    ${number.format(count)}  ${reason}`);
  }
  out.push(`  took ${(report.durationMs / 1000).toFixed(1)} s (${number.format(report.rowsPerSecond)} rows/s)`);
  process.stdout.write(`${out.join('\n')}\n`);
}

interface CommonOptions {
  store: string;
  map?: string[];
  delimiter?: string;
  dryRun?: boolean;
  json?: boolean;
}

async function run(
  helpers: ImportCommandHelpers,
  kind: ImportReport['kind'],
  options: CommonOptions,
  start: (db: Database, onProgress: (progress: ImportProgress) => void) => Promise<ImportReport>,
): Promise<void> {
  const progress = progressReporter(`import ${kind}`);
  let report: ImportReport;
  try {
    report = await helpers.withDatabase((db) => start(db, progress.onProgress));
  } finally {
    progress.done();
  }
  if (options.json) printJson(report);
  else printReport(report, options.store);
}

/** `kanta import orders|customers|products <file> --store <id> …` */
export function registerImportCommands(program: Command, helpers: ImportCommandHelpers): void {
  const command = program
    .command('import')
    .description('Import orders, customers or products from CSV files (streamed: any size, constant memory).');

  command
    .command('orders')
    .description(
      'Import an orders file, one row per order line. Rows are grouped into orders by order id; re-running the same file imports nothing new.',
    )
    .argument('<file>', 'a CSV (or whitespace-separated) file')
    .requiredOption('--store <id>', 'the store id', storeIdOption)
    .option('--preset <name>', 'column layout: generic, online-retail, shopify or cdnow', 'generic')
    .option('--map <column=field>', 'read a column as a field, e.g. --map "Invoice=orderId" (repeatable)', repeatable)
    .option('--currency <code>', 'currency of rows without a currency column value (default: preset, then store)')
    .option('--timezone <zone>', "IANA zone of dates without an offset (default: the store's)")
    .option(
      '--non-product-sku <pattern[=KIND]>',
      'skus that are not products, e.g. "POST=SHIPPING", "FEE*" (KIND: SHIPPING, FEE or ADJUSTMENT; default FEE; repeatable)',
      repeatable,
    )
    .option('--delimiter <char>', 'field separator: a character, "tab" or "whitespace" (default: the preset\'s, ",")')
    .option('--day-first', 'read slashed dates as D/M/Y instead of M/D/Y')
    .option('--dry-run', 'validate and report without writing anything')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', () => {
      return `\nFields for --map: ${ORDER_FIELDS.join(', ')}.\nPresets:\n${Object.values(ORDER_PRESETS)
        .map((preset) => `  ${preset.name.padEnd(14)} ${preset.description}`)
        .join(
          '\n',
        )}\n\nExample:\n  pnpm kanta import orders online_retail.csv --store <id> --preset online-retail --timezone Europe/London\n`;
    })
    .action(
      async (
        file: string,
        options: CommonOptions & {
          preset: string;
          currency?: string;
          timezone?: string;
          nonProductSku?: string[];
          dayFirst?: boolean;
        },
      ) => {
        const { importOrdersFromFile } = await importsModule();
        await run(helpers, 'orders', options, (db, onProgress) =>
          importOrdersFromFile(db.prisma, options.store, file, {
            preset: options.preset,
            map: options.map,
            currency: options.currency,
            timeZone: options.timezone,
            nonProductSkus: options.nonProductSku,
            delimiter: options.delimiter,
            dayFirst: options.dayFirst,
            dryRun: options.dryRun,
            maxSkipsListed: SKIPS_LISTED,
            onProgress,
          }),
        );
      },
    );

  command
    .command('customers')
    .description(
      'Import a customers file, one row per customer, matched by id, then email, then phone (re-running creates nobody new).',
    )
    .argument('<file>', 'a CSV file')
    .requiredOption('--store <id>', 'the store id', storeIdOption)
    .option(
      '--map <column=field>',
      'read a column as a field, e.g. --map "Loyalty tier=attribute.tier" (repeatable)',
      repeatable,
    )
    .option('--identity-source <source>', 'the identity source of the customer id column', 'import')
    .option('--delimiter <char>', 'field separator: a character or "tab"')
    .option('--dry-run', 'validate and report without writing anything')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', () => {
      return `\nFields for --map: ${CUSTOMER_FIELDS.join(', ')}, attribute.<name>.\n`;
    })
    .action(async (file: string, options: CommonOptions & { identitySource: string }) => {
      const { importCustomersFromFile } = await importsModule();
      if (!/^[a-z0-9_-]{1,32}$/i.test(options.identitySource))
        throw new CliError('--identity-source: must be 1-32 characters of a-z, 0-9, _ and -');
      await run(helpers, 'customers', options, (db, onProgress) =>
        importCustomersFromFile(db.prisma, options.store, file, {
          map: options.map,
          identitySource: options.identitySource,
          delimiter: options.delimiter,
          dryRun: options.dryRun,
          maxSkipsListed: SKIPS_LISTED,
          onProgress,
        }),
      );
    });

  command
    .command('products')
    .description('Import a products file, one row per product, by sku (re-running updates, never duplicates).')
    .argument('<file>', 'a CSV file')
    .requiredOption('--store <id>', 'the store id', storeIdOption)
    .option('--map <column=field>', 'read a column as a field, e.g. --map "Item=sku" (repeatable)', repeatable)
    .option('--currency <code>', "currency of prices without a currency column value (default: the store's)")
    .option('--delimiter <char>', 'field separator: a character or "tab"')
    .option('--dry-run', 'validate and report without writing anything')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', () => {
      return `\nFields for --map: ${PRODUCT_FIELDS.join(', ')}.\n`;
    })
    .action(async (file: string, options: CommonOptions & { currency?: string }) => {
      const { importProductsFromFile } = await importsModule();
      await run(helpers, 'products', options, (db, onProgress) =>
        importProductsFromFile(db.prisma, options.store, file, {
          map: options.map,
          currency: options.currency,
          delimiter: options.delimiter,
          dryRun: options.dryRun,
          maxSkipsListed: SKIPS_LISTED,
          onProgress,
        }),
      );
    });
}

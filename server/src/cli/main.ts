#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, type KantaConfig, loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { createLogger, type Logger } from '../logger.ts';
import { registerAnalyticsCommands } from './analytics-command.ts';
import { registerFeedbackCommands } from './feedback-command.ts';
import { registerImportCommands } from './import-command.ts';
import { registerLoyaltyCommands } from './loyalty-command.ts';
import { CliError, printJson, printTable } from './output.ts';
import { registerRecsCommands } from './recs-command.ts';
import { registerWebhookCommands } from './webhooks-command.ts';

// Commands import what they need when they run: `--help` and small commands stay fast, and only
// `serve` loads the GraphQL server.
const migrations = () => import('../db/migrations.ts');
const stores = () => import('../modules/stores/stores.service.ts');
const demoModule = () => import('../modules/demo/demo.service.ts');

/**
 * `pnpm kanta …`: one binary for operators. Every command works whether or not a server is running
 * on the same embedded database: the first process to open it shares it with the others over a
 * local socket (see db/embedded.ts).
 */
const program = new Command('kanta')
  .description('Kanta: customer data, loyalty and feedback for retailers. Run a command with --help for details.')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({ outputError: (text, write) => write(text) });

function config(): KantaConfig {
  return loadConfig();
}

/** Logs go to stderr: stdout is for the command's answer (and --json). */
function cliLogger(config: KantaConfig): Logger {
  return createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: 2 });
}

async function withDatabase<T>(
  action: (db: Database, config: KantaConfig) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const cfg = config();
  const { openDatabase } = await import('../db/database.ts');
  const { databaseOptions, openConfiguredDatabase } = await import('../db/prepare.ts');
  const db =
    options.migrate === false
      ? await openDatabase(databaseOptions(cfg))
      : await openConfiguredDatabase(cfg, cliLogger(cfg));
  try {
    return await action(db, cfg);
  } catch (error) {
    if (db.kind === 'postgres' && /does not exist/.test(String((error as Error).message)))
      throw new CliError(`the database at ${db.description} is not migrated: run \`pnpm kanta migrate deploy\` first`);
    throw error;
  } finally {
    await db.close();
  }
}

function originOption(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function keyKind(value: string): 'PUBLISHABLE' | 'SECRET' {
  const normalised = value.toLowerCase();
  if (normalised === 'publishable' || normalised === 'pk') return 'PUBLISHABLE';
  if (normalised === 'secret' || normalised === 'sk') return 'SECRET';
  throw new InvalidArgumentError('must be "publishable" or "secret"');
}

program
  .command('serve')
  .description('Start the API (GraphQL + GraphiQL at /graphql, /healthz, /readyz) on PORT (default 4000).')
  .option('--demo', 'seed the demo store and serve the demo storefront at /')
  .option('-p, --port <port>', 'port to listen on (overrides PORT)')
  .option('--host <host>', 'interface to listen on (overrides HOST)')
  .addHelpText(
    'after',
    '\nEnvironment: PORT, HOST, DATABASE_URL, KANTA_DATA_DIR, LOG_LEVEL, SHUTDOWN_TIMEOUT_MS (see README).',
  )
  .action(async (options: { demo?: boolean; port?: string; host?: string }) => {
    const cfg = loadConfig({
      ...process.env,
      ...(options.port ? { PORT: options.port } : {}),
      ...(options.host ? { HOST: options.host } : {}),
    });
    const logger = createLogger({ level: cfg.logLevel });
    const { startServer } = await import('../server.ts');
    const server = await startServer({ config: cfg, logger, demo: options.demo ?? false });
    if (options.demo)
      process.stderr.write(`\n  Kanta demo shop:  ${server.url}/\n  GraphiQL:         ${server.url}/graphql\n\n`);
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
    });
    await server.stop();
  });

const migrate = program.command('migrate').description('Apply or inspect database migrations (prisma/migrations).');
migrate
  .command('deploy')
  .description('Apply every pending migration to the configured database.')
  .action(async () => {
    await withDatabase(
      async (db) => {
        const { deployMigrations } = await migrations();
        const { migrationOptions } = await import('../db/prepare.ts');
        const { applied } = await deployMigrations(db.adapterFactory(), migrationOptions(db));
        process.stdout.write(
          applied.length
            ? `Applied ${applied.length} migration(s) to ${db.description}:\n${applied.map((name) => `  ${name}\n`).join('')}`
            : `Nothing to apply: ${db.description} is up to date.\n`,
        );
      },
      { migrate: false },
    );
  });
migrate
  .command('status')
  .description('List applied, pending and failed migrations; exits 1 unless everything is applied.')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const { migrationStatus } = await migrations();
    const { migrationOptions } = await import('../db/prepare.ts');
    const status = await withDatabase((db) => migrationStatus(db.adapterFactory(), migrationOptions(db)), {
      migrate: false,
    });
    if (options.json) printJson(status);
    else {
      for (const name of status.applied) process.stdout.write(`applied  ${name}\n`);
      for (const name of status.pending) process.stdout.write(`pending  ${name}\n`);
      for (const name of status.failed) process.stdout.write(`FAILED   ${name}\n`);
      for (const name of status.edited) process.stdout.write(`EDITED   ${name} (changed after it was applied)\n`);
      for (const name of status.missingFromDirectory)
        process.stdout.write(`MISSING  ${name} (applied, but not in prisma/migrations)\n`);
    }
    if (status.pending.length || status.failed.length) process.exitCode = 1;
  });
migrate
  .command('resolve')
  .description('Mark a failed migration as rolled back (to retry it) or applied (fixed by hand).')
  .argument('<migration>', 'the migration directory name')
  .addOption(
    new Option('--as <outcome>', 'rolled-back or applied').choices(['rolled-back', 'applied']).makeOptionMandatory(),
  )
  .action(async (name: string, options: { as: 'rolled-back' | 'applied' }) => {
    const { resolveMigration } = await migrations();
    const { migrationOptions } = await import('../db/prepare.ts');
    await withDatabase((db) => resolveMigration(db.adapterFactory(), name, options.as, migrationOptions(db)), {
      migrate: false,
    });
    process.stdout.write(`Marked ${name} as ${options.as}.\n`);
  });

program
  .command('db')
  .description('Development helpers for the database schema.')
  .command('migration')
  .description('Migrations.')
  .command('create')
  .description('Create prisma/migrations/<timestamp>_<name>/migration.sql from changes in prisma/schema.')
  .argument('<name>', 'what the migration does, e.g. add_loyalty')
  .action(async (name: string) => {
    const { createMigration } = await migrations();
    const created = await createMigration(name);
    process.stdout.write(created ? `Created ${created.directory}\n` : 'No schema changes: no migration created.\n');
  });

const store = program.command('store').description('Create and list stores (tenants).');
store
  .command('create')
  .description('Create a store and print its id, publishable key and secret key (shown once).')
  .requiredOption('--name <name>', 'the store name')
  .option('--origin <origin>', 'a storefront origin allowed to use the publishable key (repeatable)', originOption)
  .option('--currency <code>', 'default currency, ISO 4217', 'EUR')
  .option('--locale <tag>', 'default locale, BCP 47', 'en')
  .option('--timezone <zone>', 'IANA time zone', 'UTC')
  .option('--json', 'print {"id","publishableKey","secretKey"}')
  .action(
    async (options: {
      name: string;
      origin?: string[];
      currency: string;
      locale: string;
      timezone: string;
      json?: boolean;
    }) => {
      const { createStore } = await stores();
      const created = await withDatabase((db) =>
        createStore(db.prisma, {
          name: options.name,
          allowedOrigins: options.origin ?? [],
          defaultCurrency: options.currency,
          defaultLocale: options.locale,
          timezone: options.timezone,
        }),
      );
      if (options.json)
        printJson({ id: created.id, publishableKey: created.publishableKey, secretKey: created.secretKey });
      else
        process.stdout.write(
          `Created store "${created.name}"\n  id:              ${created.id}\n  publishable key: ${created.publishableKey}\n  secret key:      ${created.secretKey}\n\nThe secret key is shown only now: store it somewhere safe.\n`,
        );
    },
  );
store
  .command('list')
  .description('List stores.')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const stores = await withDatabase((db) =>
      db.prisma.store.findMany({
        orderBy: { createdAt: 'asc' },
        select: { id: true, name: true, defaultCurrency: true, defaultLocale: true, timezone: true, createdAt: true },
      }),
    );
    if (options.json) printJson(stores);
    else printTable(stores, ['id', 'name', 'defaultCurrency', 'defaultLocale', 'timezone', 'createdAt']);
  });

const keys = program.command('keys').description("Create, list and revoke a store's API keys.");
keys
  .command('create')
  .description('Create an API key and print it (shown once).')
  .requiredOption('--store <id>', 'the store id')
  .requiredOption('--kind <kind>', 'publishable or secret', keyKind)
  .option('--name <name>', 'a label for the key')
  .option('--json', 'print {"id","key"}')
  .action(async (options: { store: string; kind: 'PUBLISHABLE' | 'SECRET'; name?: string; json?: boolean }) => {
    const { createApiKey } = await stores();
    const created = await withDatabase((db) =>
      createApiKey(db.prisma, options.store, { kind: options.kind, name: options.name }),
    );
    if (options.json) printJson(created);
    else process.stdout.write(`Created ${options.kind.toLowerCase()} key ${created.id}\n  ${created.key}\n`);
  });
keys
  .command('list')
  .description("List a store's keys (secret keys by prefix only).")
  .requiredOption('--store <id>', 'the store id')
  .option('--json', 'print JSON')
  .action(async (options: { store: string; json?: boolean }) => {
    const list = await withDatabase((db) =>
      db.prisma.apiKey.findMany({
        where: { storeId: options.store },
        orderBy: { createdAt: 'asc' },
        select: { id: true, kind: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
      }),
    );
    if (options.json) printJson(list);
    else printTable(list, ['id', 'kind', 'name', 'prefix', 'createdAt', 'lastUsedAt', 'revokedAt']);
  });
keys
  .command('revoke')
  .description('Revoke a key: requests with it are refused from now on.')
  .argument('<keyId>', 'the key id (from keys list)')
  .requiredOption('--store <id>', 'the store id')
  .action(async (keyId: string, options: { store: string }) => {
    const { revokeApiKey } = await stores();
    await withDatabase((db) => revokeApiKey(db.prisma, options.store, keyId));
    process.stdout.write(`Revoked ${keyId}.\n`);
  });

program
  .command('seed')
  .description('Load sample data.')
  .command('demo')
  .description('Create the demo store (idempotent) and print its keys.')
  .option('--json', 'print {"storeId","publishableKey","secretKey"}')
  .action(async (options: { json?: boolean }) => {
    const { demoKeysFile, seedDemo } = await demoModule();
    const result = await withDatabase((db, cfg) =>
      seedDemo(db.prisma, demoKeysFile(cfg.dataDir), [`http://localhost:${cfg.port}`, `http://127.0.0.1:${cfg.port}`]),
    );
    if (options.json)
      printJson({ storeId: result.storeId, publishableKey: result.publishableKey, secretKey: result.secretKey });
    else
      process.stdout.write(
        `${result.created ? 'Created' : 'Found'} the demo store ${result.storeId}\n  publishable key: ${result.publishableKey}\n  secret key:      ${result.secretKey}\n`,
      );
  });

registerImportCommands(program, { withDatabase });

registerWebhookCommands(program, { withDatabase });

registerLoyaltyCommands(program, { withDatabase });

registerFeedbackCommands(program, { withDatabase });
registerAnalyticsCommands(program, { withDatabase });
registerRecsCommands(program, { withDatabase });

try {
  await program.parseAsync(process.argv);
  // The migration engine leaves a timer behind; a finished command must not wait for it.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  let message: string;
  if (error instanceof ConfigError || error instanceof CliError) message = error.message;
  else if (error instanceof DomainError)
    message = error.code === 'INVALID_INPUT' ? `invalid input: ${error.message}` : error.message;
  else if (error instanceof Error && error.name === 'MigrationError') message = error.message;
  else {
    message = `unexpected error: ${(error as Error).message ?? String(error)}`;
    if (process.env.LOG_LEVEL === 'debug') console.error(error);
  }
  process.stderr.write(`kanta: ${message}\n`);
  process.exit(1);
}

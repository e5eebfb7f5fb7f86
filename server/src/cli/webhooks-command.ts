import type { Command } from 'commander';
import type { KantaConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { printJson } from './output.ts';

export interface WebhookCommandHelpers {
  /** Opens the configured database (migrated), runs `action`, closes it. */
  withDatabase<T>(action: (db: Database, config: KantaConfig) => Promise<T>): Promise<T>;
}

/** `kanta webhooks …`: inbound order webhooks (Shopify). */
export function registerWebhookCommands(program: Command, helpers: WebhookCommandHelpers): void {
  const webhooks = program.command('webhooks').description('Inbound order webhooks from e-commerce platforms.');
  webhooks
    .command('secret')
    .description(
      'Create or rotate the signing secret of a webhook source and print it with the URL to configure. ' +
        "For Shopify, pass the secret Shopify shows (Settings → Notifications → Webhooks, or your app's client secret).",
    )
    .requiredOption('--store <id>', 'the store id')
    .option('--source <name>', 'the platform, optionally with a suffix: shopify, shopify-outlet', 'shopify')
    .option('--secret <value>', 'the signing secret (at least 16 characters); omit to generate a random one')
    .option('--base-url <url>', 'the public address of this Kanta server (default: http://HOST:PORT)')
    .option('--json', 'print {"source","url","secret","created"}')
    .action(async (options: { store: string; source: string; secret?: string; baseUrl?: string; json?: boolean }) => {
      const { setWebhookSecret, webhookUrl } = await import('../modules/webhooks/webhooks.service.ts');
      const { saved, baseUrl } = await helpers.withDatabase(async (db, config) => ({
        saved: await setWebhookSecret(db.prisma, options.store, { source: options.source, secret: options.secret }),
        baseUrl: options.baseUrl ?? `http://${config.host}:${config.port}`,
      }));
      const url = webhookUrl(baseUrl, options.store, saved.source);
      if (options.json) {
        printJson({ source: saved.source, url, secret: saved.secret, created: saved.created });
        return;
      }
      process.stdout.write(
        `${saved.created ? 'Created' : 'Rotated'} the "${saved.source}" webhook secret of store ${options.store}\n` +
          `  URL:    ${url}\n  secret: ${saved.secret}\n\n` +
          (options.baseUrl ? '' : 'Use the public https address of this server in the URL (or pass --base-url).\n') +
          ('In Shopify: Settings → Notifications → Webhooks → Create webhook, format JSON, events "Order creation"\n' +
            'and "Order cancellation" (optionally "Order payment", "Order update"), with this URL.\n' +
            (options.secret
              ? ''
              : 'Shopify signs with its own key, shown under that Webhooks list ("Your webhooks will be signed with …"):\n' +
                'run again with --secret <that key>.\n')),
      );
    });
}

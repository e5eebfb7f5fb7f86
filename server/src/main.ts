import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';

/** Listens on PORT/HOST and handles signals; everything else lives in server.ts and yoga.ts. */
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`kanta: ${error.message}\n`);
  process.exit(1);
}
const logger = createLogger({ level: config.logLevel });
const server = await startServer({ config, logger, demo: process.argv.includes('--demo') });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

/** Calls loadConfig and returns the ConfigError it throws, failing the test if it does not throw one. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, '/srv/kanta');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('falls back to documented defaults when nothing is set', () => {
    // An explicit empty env: the test runner's own PORT, DATABASE_URL etc. must not leak in.
    const config = loadConfig({}, '/srv/kanta');
    expect(config).toEqual({
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: path.resolve('/srv/kanta', '.kanta/data'),
      poolSize: 10,
      redisUrl: undefined,
      logLevel: 'info',
      production: false,
      shutdownTimeoutMs: 10_000,
      limits: { maxDepth: 12, maxCost: 5_000, maxAliases: 30, maxPageSize: 100 },
      loyaltyJobsMinutes: 15,
      feedbackJobsMinutes: 5,
      analyticsJobsMinutes: 60,
      recsJobsMinutes: 15,
      recsFullRebuildHours: 24,
      storefrontOperations: 'persisted',
      modelRefitHours: 24,
    });
  });

  it('treats empty variables as unset (e.g. `PORT=` in a .env file)', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '' }, '/srv/kanta');
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('reads valid values and resolves KANTA_DATA_DIR against the working directory', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgresql://kanta:pw@db.internal:5432/kanta?schema=shop',
        KANTA_DATA_DIR: 'var/db',
        REDIS_URL: 'rediss://cache:6380',
        LOG_LEVEL: 'debug',
        NODE_ENV: 'production',
        SHUTDOWN_TIMEOUT_MS: '2500',
        KANTA_MAX_DEPTH: '5',
      },
      '/srv/kanta',
    );
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.databaseUrl).toBe('postgresql://kanta:pw@db.internal:5432/kanta?schema=shop');
    expect(config.dataDir).toBe('/srv/kanta/var/db');
    expect(config.redisUrl).toBe('rediss://cache:6380');
    expect(config.logLevel).toBe('debug');
    expect(config.production).toBe(true);
    expect(config.shutdownTimeoutMs).toBe(2500);
    expect(config.limits.maxDepth).toBe(5);
  });

  it('keeps an absolute KANTA_DATA_DIR as it is', () => {
    expect(loadConfig({ KANTA_DATA_DIR: '/var/lib/kanta' }, '/srv/kanta').dataDir).toBe('/var/lib/kanta');
  });

  const bad: { variable: string; value: string; rule: string; shown: string }[] = [
    { variable: 'PORT', value: 'abc', rule: 'must be a number', shown: '"abc"' },
    { variable: 'PORT', value: '70000', rule: 'must be between 1 and 65535', shown: '"70000"' },
    { variable: 'PORT', value: '0', rule: 'must be between 1 and 65535', shown: '"0"' },
    { variable: 'PORT', value: '80.5', rule: 'must be a whole number', shown: '"80.5"' },
    {
      variable: 'DATABASE_URL',
      value: 'mysql://x',
      rule: 'must be a postgresql:// connection URL',
      shown: '(value hidden)',
    },
    {
      variable: 'LOG_LEVEL',
      value: 'loud',
      rule: 'must be one of fatal, error, warn, info, debug, trace, silent',
      shown: '"loud"',
    },
    { variable: 'KANTA_MAX_DEPTH', value: '0', rule: 'must be between 1 and 100', shown: '"0"' },
    { variable: 'REDIS_URL', value: 'http://x', rule: 'must be a redis:// or rediss:// URL', shown: '(value hidden)' },
    { variable: 'SHUTDOWN_TIMEOUT_MS', value: '-1', rule: 'must be between 1 and 600000', shown: '"-1"' },
    { variable: 'KANTA_LOYALTY_JOBS_MINUTES', value: '-5', rule: 'must be 0 (off) or more', shown: '"-5"' },
    { variable: 'KANTA_LOYALTY_JOBS_MINUTES', value: 'hourly', rule: 'must be a number', shown: '"hourly"' },
  ];

  it.each(bad)('refuses $variable=$value naming the variable and the rule', ({ variable, value, rule, shown }) => {
    const error = configError({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(`invalid configuration: ${variable} ${rule}, got ${shown}`);
    // One line: main.ts prints it as is after "kanta: ".
    expect(error.message).not.toContain('\n');
  });

  it.each(['postgresql://admin:s3cr3t-pa55@db.internal:99999/kanta', 'mysql://admin:s3cr3t-pa55@db.internal/kanta'])(
    'never echoes a bad DATABASE_URL, which may hold a password (%s)',
    (value) => {
      const error = configError({ DATABASE_URL: value });
      expect(error.variable).toBe('DATABASE_URL');
      expect(error.message).toContain('(value hidden)');
      expect(error.message).not.toContain('s3cr3t-pa55');
      expect(error.message).not.toContain('db.internal');
    },
  );

  it('KANTA_STOREFRONT_OPERATIONS is persisted (default) or any, nothing else', () => {
    expect(loadConfig({ KANTA_STOREFRONT_OPERATIONS: 'any' }).storefrontOperations).toBe('any');
    const error = configError({ KANTA_STOREFRONT_OPERATIONS: 'all' });
    expect(error.variable).toBe('KANTA_STOREFRONT_OPERATIONS');
    expect(error.message).toContain('"all"');
  });

  it('reports the first bad variable when several are wrong', () => {
    // Only one line is printed, so it must name a variable that is actually wrong.
    const error = configError({ PORT: '4000', LOG_LEVEL: 'loud', KANTA_MAX_DEPTH: '0' });
    expect(['LOG_LEVEL', 'KANTA_MAX_DEPTH']).toContain(error.variable);
  });
});

import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Secrets never reach a log line: authorization headers and customer tokens
 * are redacted wherever they appear.
 */
export function createLogger(options: { level?: string; destination?: 1 | 2 } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'kanta' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-kanta-customer"]', '*.secretKey', 'secretKey'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: options.destination ?? 1, sync: true }),
  );
}

/** A logger that drops everything; for tests that assert on responses, not logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

import { InvalidArgumentError } from 'commander';
import { isUuid } from '../errors.ts';

/** Human output goes to stdout; logs and progress go to stderr so `--json` output stays parseable. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (value: unknown) =>
    value === null || value === undefined ? '-' : value instanceof Date ? value.toISOString() : String(value);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns)}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((column) => cell(row[column])))}\n`);
}

/** An expected failure: one line on stderr, exit code 1. */
export class CliError extends Error {}

/** Option parser for `--store <id>`. */
export function storeIdOption(value: string): string {
  if (!isUuid(value)) throw new InvalidArgumentError('must be a store id (a UUID, see `kanta store list`)');
  return value;
}

/** Option parser for `--now <iso>`. */
export function instantOption(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime()))
    throw new InvalidArgumentError('must be an ISO 8601 date or date-time, e.g. 2027-01-31T03:00:00Z');
  return date;
}

const count = new Intl.NumberFormat('en');

/**
 * Progress of a multi-step job on stderr: a redrawn bar on a terminal, a plain line per step (and
 * every 5 s) elsewhere (CI logs, pipes). `labels` names the steps.
 */
export function stepProgress<Step extends string>(
  name: string,
  labels: Record<Step, string>,
): { onProgress(done: number, total: number, step: Step): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let drawn = false;
  let lastStep: Step | undefined;
  let lastLine = 0;
  return {
    onProgress(done, total, step) {
      const percent = total > 0 ? Math.min(100, (done / total) * 100) : 100;
      const text = `${labels[step]}: ${count.format(done)}/${count.format(total)}`;
      if (tty) {
        const width = 24;
        const filled = Math.round((percent / 100) * width);
        process.stderr.write(`\r\x1b[K${name} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`);
        drawn = true;
      } else if (step !== lastStep || Date.now() - lastLine >= 5_000) {
        lastStep = step;
        lastLine = Date.now();
        process.stderr.write(`${name}: ${text}\n`);
      }
    },
    done() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

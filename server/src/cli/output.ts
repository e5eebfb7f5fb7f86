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

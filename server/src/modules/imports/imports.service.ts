import fs from 'node:fs';
import type { PrismaClient } from '../../db/database.ts';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import { isUniqueViolation, resolveCustomers } from '../customers/customers.service.ts';
import type { CustomerInput } from '../customers/customers.validation.ts';
import { cancelOrder, recordOrders } from '../orders/orders.service.ts';
import { orderInput } from '../orders/orders.validation.ts';
import { type ProductInput, upsertProducts } from '../products/products.service.ts';
import { firstIssue } from '../stores/stores.validation.ts';
import { type CsvRecord, type Delimiter, parseCsv } from './csv-parser.ts';
import { type AssembledOrder, OrderAssembler } from './order-assembler.ts';
import { OrderRowReader, type RowSkip } from './order-rows.ts';
import {
  CUSTOMER_COLUMNS,
  CUSTOMER_FIELDS,
  type CustomerField,
  isCustomerField,
  isOrderField,
  isProductField,
  ORDER_FIELDS,
  ORDER_PRESETS,
  type OrderField,
  PRODUCT_COLUMNS,
  PRODUCT_FIELDS,
  type ProductField,
  parseMappings,
  parseNonProductSku,
  resolveColumns,
} from './presets.ts';
import { currencyExponent, isTimeZone, parseDate, parseMoney } from './values.ts';

export interface ImportProgress {
  rows: number;
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
}

export interface ImportOptions {
  /** `column=field` pairs that override the preset's columns. */
  map?: string[];
  /** Validate and count, write nothing. */
  dryRun?: boolean;
  /** "," unless the preset says otherwise; "tab", ";" or "whitespace". */
  delimiter?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** How many skipped rows the report lists one by one (all are counted). Default 100. */
  maxSkipsListed?: number;
}

export interface ImportOrdersOptions extends ImportOptions {
  preset?: string;
  /** For rows without a currency column value (default: the preset's, then the store's). */
  currency?: string;
  /** Zone of dates without an offset (default: the store's). */
  timeZone?: string;
  /** `pattern[=KIND]` (see presets.ts). */
  nonProductSkus?: string[];
  /** Read 1/2/2010 as 1 February. */
  dayFirst?: boolean;
  batchSize?: number;
  /** Open orders kept while grouping interleaved rows (default 2 × batchSize). */
  window?: number;
}

export interface ImportCustomersOptions extends ImportOptions {
  /** `source` of the identity made from the customer id column (default "import"). */
  identitySource?: string;
}

export interface SkipReport {
  count: number;
  /** Reason without the row's particulars → rows. */
  reasons: Record<string, number>;
  /** The first rows, in file order. */
  rows: RowSkip[];
}

export interface ImportReport {
  kind: 'orders' | 'customers' | 'products';
  file: string;
  dryRun: boolean;
  /** Data rows read (the header is not counted). */
  rows: number;
  /** Records created (in a dry run: that would be created). */
  imported: number;
  /** Records that were already there: replayed orders, matched customers and products. */
  alreadyPresent: number;
  /** Of alreadyPresent, those whose values changed (customers and products). */
  updated: number;
  skipped: SkipReport;
  /** Orders only. */
  orders?: { lines: number; returns: number; guests: number; cancelled: number; refused: number };
  durationMs: number;
  rowsPerSecond: number;
}

/** Rows and orders refused, counted by reason; the first ones listed with their line numbers. */
class Skips {
  readonly report: SkipReport = { count: 0, reasons: {}, rows: [] };
  constructor(private readonly limit: number) {}

  add(skip: RowSkip): void {
    this.report.count++;
    const reason = category(skip.reason);
    this.report.reasons[reason] = (this.report.reasons[reason] ?? 0) + 1;
    if (this.report.rows.length < this.limit) this.report.rows.push(skip);
  }

  finish(): SkipReport {
    this.report.rows.sort((a, b) => a.line - b.line);
    return this.report;
  }
}

/** `placedAt: unreadable date "x"` → `placedAt: unreadable date`. */
function category(reason: string): string {
  return reason
    .replace(/\s*"[^"]*"/g, '')
    .replace(/\s*\([^)]*\)/g, '')
    .trim();
}

function delimiterOf(text: string | undefined, fallback: Delimiter): Delimiter {
  if (!text) return fallback;
  if (text === 'tab' || text === '\\t') return '\t';
  if (text === 'whitespace' || text.length === 1) return text;
  throw new InvalidInputError('delimiter', 'must be one character, "tab" or "whitespace"');
}

async function storeOf(prisma: PrismaClient, storeId: string) {
  const store = await prisma.store.findUnique({
    where: { id: storeId },
    select: { defaultCurrency: true, timezone: true },
  });
  if (!store) throw new NotFoundError('Store');
  return store;
}

/** Streams a file's records and reports progress at most four times a second. */
async function* records(
  file: string,
  delimiter: Delimiter,
  onProgress: ImportOptions['onProgress'],
  started: number,
): AsyncGenerator<CsvRecord & { ordinal: number }> {
  let totalBytes: number;
  try {
    totalBytes = (await fs.promises.stat(file)).size;
  } catch {
    throw new InvalidInputError('file', `cannot read ${file}`);
  }
  const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  let ordinal = 0;
  let reported = 0;
  try {
    for await (const record of parseCsv(stream, { delimiter })) {
      ordinal++;
      if (onProgress) {
        const now = Date.now();
        if (now - reported >= 250) {
          reported = now;
          onProgress({ rows: ordinal, bytesRead: record.bytesRead, totalBytes, elapsedMs: now - started });
        }
      }
      yield { ...record, ordinal };
    }
  } finally {
    stream.destroy();
  }
  onProgress?.({ rows: ordinal, bytesRead: totalBytes, totalBytes, elapsedMs: Date.now() - started });
}

function finishReport(
  base: Omit<ImportReport, 'durationMs' | 'rowsPerSecond' | 'skipped'>,
  skips: Skips,
  started: number,
): ImportReport {
  const durationMs = Date.now() - started;
  return {
    ...base,
    skipped: skips.finish(),
    durationMs,
    rowsPerSecond: durationMs > 0 ? Math.round((base.rows * 1000) / durationMs) : base.rows,
  };
}

/** "orders.3.lines.0.quantity" → 3 and "lines.0.quantity" */
function failedItem(error: InvalidInputError, prefix: string): { index: number; field: string } | null {
  const match = new RegExp(`^(?:${prefix}\\.)?(\\d+)(?:\\.(.*))?$`).exec(error.field);
  if (!match) return null;
  return { index: Number(match[1]), field: match[2] ?? prefix };
}

/**
 * Imports an orders file (one row per order line) into a store: streams it, groups rows into
 * orders, and records them through `recordOrders` in batches of up to 1,000. Idempotent: orders are
 * keyed by their external ids, so running the same file again imports nothing new.
 */
export async function importOrdersFromFile(
  prisma: PrismaClient,
  storeId: string,
  file: string,
  options: ImportOrdersOptions = {},
): Promise<ImportReport> {
  const started = Date.now();
  const presetName = options.preset ?? 'generic';
  const preset = ORDER_PRESETS[presetName];
  if (!preset)
    throw new InvalidInputError(
      'preset',
      `unknown preset "${presetName}" (one of ${Object.keys(ORDER_PRESETS).join(', ')})`,
    );
  const mapping = mappingOrFail(() => parseMappings(options.map ?? [], isOrderField, ORDER_FIELDS));
  const nonProductSkus = mappingOrFail(() => (options.nonProductSkus ?? []).map(parseNonProductSku), 'nonProductSku');
  if (options.currency && currencyExponent(options.currency) === null)
    throw new InvalidInputError('currency', 'must be an ISO 4217 currency code such as EUR');
  if (options.timeZone && !isTimeZone(options.timeZone))
    throw new InvalidInputError('timeZone', 'must be an IANA time zone such as Europe/Helsinki');
  const batchSize = Math.min(Math.max(options.batchSize ?? 1000, 1), 1000);
  const store = await storeOf(prisma, storeId);
  const dryRun = options.dryRun ?? false;
  const skips = new Skips(options.maxSkipsListed ?? 100);
  const assembler = new OrderAssembler({
    batchSize,
    window: options.window,
    detectDuplicateRows: preset.detectDuplicateRows,
  });

  let columns: (OrderField | 'ignore')[] | null = null;
  let reader: OrderRowReader | null = null;
  const makeReader = () =>
    new OrderRowReader({
      preset,
      columns,
      timeZone: options.timeZone ?? store.timezone,
      currency: options.currency?.toUpperCase() ?? null,
      storeCurrency: store.defaultCurrency,
      nonProductSkus,
      dayFirst: options.dayFirst,
      earlierRow: (orderId) => assembler.earlierRow(orderId),
    });
  if (preset.positional) reader = makeReader();

  const report = {
    kind: 'orders' as const,
    file,
    dryRun,
    rows: 0,
    imported: 0,
    alreadyPresent: 0,
    updated: 0,
    orders: { lines: 0, returns: 0, guests: 0, cancelled: 0, refused: 0 },
  };

  // One batch is written while the next is parsed: the database and the parser each get a core.
  let inFlight: Promise<void> = Promise.resolve();
  const send = async (batch: AssembledOrder[]) => {
    if (batch.length === 0) return;
    await inFlight;
    inFlight = (dryRun ? checkOrders : writeOrders)(prisma, storeId, batch, report, skips);
    // Keep the rejection observed until the next await picks it up.
    inFlight.catch(() => {});
  };

  for await (const record of records(
    file,
    delimiterOf(options.delimiter, preset.delimiter),
    options.onProgress,
    started,
  )) {
    if (!reader) {
      columns = resolveColumns(record.fields, preset.columns, mapping);
      const missing: string[] = (['placedAt', 'quantity'] as const).filter((field) => !columns!.includes(field));
      if (!columns.includes('orderId') && !columns.includes('orderName')) missing.unshift('orderId');
      if (!columns.includes('unitPrice') && !columns.includes('lineTotal')) missing.push('unitPrice');
      if (!columns.includes('name') && !columns.includes('sku') && !preset.lineName) missing.push('name');
      if (missing.length)
        throw new InvalidInputError(
          'file',
          `the header (line ${record.line}) has no column for ${missing.join(', ')}: name them with --map column=field or pick a --preset`,
        );
      reader = makeReader();
      continue;
    }
    // Headerless layouts (CDNOW_sample.txt) and the same data with a header (CDNOW_master.txt).
    if (preset.positional && record.ordinal === 1 && !/\d/.test(record.fields[0] ?? '')) continue;
    report.rows++;
    const row = reader.read(record.fields, record.line);
    if ('reason' in row) skips.add(row);
    else assembler.add(row);
    for (const skip of assembler.skips.splice(0)) skips.add(skip);
    while (assembler.readyCount >= batchSize) await send(assembler.take());
  }
  assembler.finish();
  for (const skip of assembler.skips.splice(0)) skips.add(skip);
  while (assembler.readyCount > 0) await send(assembler.take());
  await inFlight;
  return finishReport(report, skips, started);
}

function mappingOrFail<T>(parse: () => T, field = 'map'): T {
  try {
    return parse();
  } catch (error) {
    throw new InvalidInputError(field, (error as Error).message.replace(/^--map /, ''));
  }
}

type OrdersReport = Pick<ImportReport, 'imported' | 'alreadyPresent'> & { orders: NonNullable<ImportReport['orders']> };

function refuse(order: AssembledOrder, reason: string, report: OrdersReport, skips: Skips): void {
  report.orders.refused++;
  for (const line of order.lines)
    skips.add({ line, reason: `order refused: ${reason} (order ${order.input.externalId})` });
}

function countOrder(order: AssembledOrder, created: boolean, report: OrdersReport): void {
  if (created) {
    report.imported++;
    report.orders.lines += order.input.lines.length;
    if (order.isReturn) report.orders.returns++;
    if (order.isGuest) report.orders.guests++;
  } else report.alreadyPresent++;
}

/** Records a batch; an order the service refuses is dropped (and reported) and the rest retried. */
async function writeOrders(
  prisma: PrismaClient,
  storeId: string,
  batch: AssembledOrder[],
  report: OrdersReport,
  skips: Skips,
): Promise<void> {
  let pending = batch;
  for (;;) {
    try {
      const results = await recordOrders(
        prisma,
        storeId,
        pending.map((order) => order.input),
        { source: 'import' },
      );
      for (const [index, result] of results.entries()) countOrder(pending[index]!, result.created, report);
      break;
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const failed = failedItem(error, 'orders');
      if (!failed || !pending[failed.index]) throw error;
      refuse(pending[failed.index]!, `${failed.field}: ${error.rule}`, report, skips);
      pending = pending.filter((_, index) => index !== failed.index);
      if (pending.length === 0) return;
    }
  }
  for (const order of pending) {
    if (!order.cancelledAt) continue;
    const { changed } = await cancelOrder(prisma, storeId, order.input.externalId, {
      cancelledAt: order.cancelledAt,
      reason: 'cancelled in the imported file',
    });
    if (changed) report.orders.cancelled++;
  }
}

/** Dry run: the validation recordOrders would apply, and which orders are already there. */
async function checkOrders(
  prisma: PrismaClient,
  storeId: string,
  batch: AssembledOrder[],
  report: OrdersReport,
  skips: Skips,
): Promise<void> {
  const valid: AssembledOrder[] = [];
  for (const order of batch) {
    const parsed = orderInput.safeParse(order.input);
    if (parsed.success) valid.push(order);
    else {
      const { field, rule } = firstIssue(parsed.error);
      refuse(order, `${field}: ${rule}`, report, skips);
    }
  }
  const existing = await prisma.order.findMany({
    where: { storeId, externalId: { in: valid.map((order) => order.input.externalId) } },
    select: { externalId: true },
  });
  const present = new Set(existing.map((order) => order.externalId));
  const seen = new Set<string>();
  for (const order of valid) {
    const id = order.input.externalId;
    countOrder(order, !present.has(id) && !seen.has(id), report);
    seen.add(id);
    if (order.cancelledAt && !present.has(id)) report.orders.cancelled++;
  }
}

function readHeader<F extends string>(
  record: CsvRecord,
  columns: Record<string, F>,
  mapping: Record<string, F>,
  required: F[][],
): (F | 'ignore')[] {
  const resolved = resolveColumns(record.fields, columns, mapping);
  const missing = required.filter((anyOf) => !anyOf.some((field) => resolved.includes(field)));
  if (missing.length)
    throw new InvalidInputError(
      'file',
      `the header (line ${record.line}) has no column for ${missing.map((anyOf) => anyOf.join(' or ')).join(', ')}: name them with --map column=field`,
    );
  return resolved;
}

function valuesOf<F extends string>(columns: (F | 'ignore')[], fields: string[]): Partial<Record<F, string>> {
  const values: Partial<Record<F, string>> = {};
  for (let i = 0; i < columns.length && i < fields.length; i++) {
    const field = columns[i]!;
    const value = fields[i]!.trim();
    if (field !== 'ignore' && value !== '' && values[field as F] === undefined) values[field as F] = value;
  }
  return values;
}

function parseBoolean(text: string): boolean | null {
  const value = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'y', 'x', 'subscribed', 'granted', 'active'].includes(value)) return true;
  if (['0', 'false', 'no', 'n', 'unsubscribed', 'denied', 'inactive', 'archived', 'draft'].includes(value))
    return false;
  return null;
}

function list(text: string | undefined, separator = /[;,|]/): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(separator)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Customers resolved per transaction: a few statements each, whatever the size. */
const CUSTOMER_BATCH = 500;

/**
 * Imports a customers file: one row per customer, resolved in batches like `upsertCustomer` (by
 * identity, then email, then phone), so re-running the file creates nobody new.
 */
export async function importCustomersFromFile(
  prisma: PrismaClient,
  storeId: string,
  file: string,
  options: ImportCustomersOptions = {},
): Promise<ImportReport> {
  const started = Date.now();
  const mapping = mappingOrFail(() => parseMappings(options.map ?? [], isCustomerField, CUSTOMER_FIELDS));
  await storeOf(prisma, storeId);
  const source = (options.identitySource ?? 'import').toLowerCase();
  const skips = new Skips(options.maxSkipsListed ?? 100);
  const dryRun = options.dryRun ?? false;
  const report = { kind: 'customers' as const, file, dryRun, rows: 0, imported: 0, alreadyPresent: 0, updated: 0 };
  let columns: (CustomerField | 'ignore')[] | null = null;
  let batch: { line: number; input: CustomerInput }[] = [];

  const flush = async () => {
    let pending = batch;
    batch = [];
    if (dryRun) {
      report.imported += pending.length;
      return;
    }
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        // resolveCustomers says which customer each row is, not whether it was new: the store's
        // customer count before and after, in the same transaction, says how many were created.
        const created = await prisma.$transaction(
          async (tx) => {
            const before = await tx.customer.count({ where: { storeId } });
            await resolveCustomers(
              tx,
              storeId,
              pending.map((entry) => entry.input),
              { source: 'import' },
            );
            return (await tx.customer.count({ where: { storeId } })) - before;
          },
          { maxWait: 30_000, timeout: 120_000 },
        );
        report.imported += created;
        report.alreadyPresent += pending.length - created;
        report.updated += pending.length - created;
        return;
      } catch (error) {
        if (error instanceof InvalidInputError) {
          const failed = failedItem(error, 'customers');
          if (!failed || !pending[failed.index]) throw error;
          skips.add({ line: pending[failed.index]!.line, reason: `${failed.field}: ${error.rule}` });
          pending = pending.filter((_, index) => index !== failed.index);
        } else if (!(isUniqueViolation(error) && attempt < 3)) throw error;
        // A concurrent writer created one of these people meanwhile: the next attempt finds them.
      }
    }
  };

  for await (const record of records(file, delimiterOf(options.delimiter, ','), options.onProgress, started)) {
    if (!columns) {
      columns = readHeader<CustomerField>(record, CUSTOMER_COLUMNS, mapping, [['customerId', 'email', 'phone']]);
      continue;
    }
    report.rows++;
    const values = valuesOf(columns, record.fields);
    const input = customerRow(values, source);
    if (typeof input === 'string') skips.add({ line: record.line, reason: input });
    else batch.push({ line: record.line, input });
    if (batch.length >= CUSTOMER_BATCH) await flush();
  }
  await flush();
  return finishReport(report, skips, started);
}

function customerRow(values: Partial<Record<CustomerField, string>>, source: string): CustomerInput | string {
  if (!values.customerId && !values.email && !values.phone) return 'no customerId, email or phone';
  const input: CustomerInput = {};
  if (values.customerId) input.identities = [{ source, externalId: values.customerId.replace(/^(\d+)\.0+$/, '$1') }];
  if (values.email) input.email = values.email;
  if (values.phone) input.phone = values.phone;
  let { firstName, lastName } = values;
  if (!firstName && !lastName && values.customerName) {
    const parts = values.customerName.split(/\s+/);
    lastName = parts.length > 1 ? parts.pop() : undefined;
    firstName = parts.join(' ');
  }
  if (firstName) input.firstName = firstName;
  if (lastName) input.lastName = lastName;
  if (values.locale) input.locale = values.locale;
  if (values.birthday) {
    const date = parseDate(values.birthday, 'UTC');
    if (!date) return `birthday: unreadable date "${values.birthday}"`;
    input.birthday = date.toISOString().slice(0, 10);
  }
  if (values.marketingConsent) {
    const granted = parseBoolean(values.marketingConsent);
    if (granted === null) return `marketingConsent: expected yes or no, got "${values.marketingConsent}"`;
    input.marketingConsent = { granted, source: 'import' };
  }
  const tags = list(values.tags);
  if (tags) input.tags = tags;
  const attributes: Record<string, string> = {};
  if (values.country) attributes.country = values.country;
  for (const [field, value] of Object.entries(values))
    if (field.startsWith('attribute.') && value) attributes[field.slice('attribute.'.length)] = value as string;
  if (Object.keys(attributes).length) input.attributes = attributes;
  return input;
}

/** Imports a products file in batches of 1,000 through `upsertProducts` (by sku). */
export async function importProductsFromFile(
  prisma: PrismaClient,
  storeId: string,
  file: string,
  options: ImportOptions & { currency?: string } = {},
): Promise<ImportReport> {
  const started = Date.now();
  const mapping = mappingOrFail(() => parseMappings(options.map ?? [], isProductField, PRODUCT_FIELDS));
  const store = await storeOf(prisma, storeId);
  const skips = new Skips(options.maxSkipsListed ?? 100);
  const dryRun = options.dryRun ?? false;
  const report = { kind: 'products' as const, file, dryRun, rows: 0, imported: 0, alreadyPresent: 0, updated: 0 };
  let columns: (ProductField | 'ignore')[] | null = null;
  let batch: { line: number; input: ProductInput }[] = [];

  const flush = async () => {
    let pending = batch;
    batch = [];
    if (dryRun) {
      const existing = await prisma.product.findMany({
        where: { storeId, sku: { in: pending.map((entry) => entry.input.sku) } },
        select: { sku: true },
      });
      const present = new Set(existing.map((product) => product.sku));
      const skus = new Set(pending.map((entry) => entry.input.sku));
      for (const sku of skus) {
        if (present.has(sku)) report.alreadyPresent++;
        else report.imported++;
      }
      return;
    }
    while (pending.length > 0) {
      try {
        const result = await upsertProducts(
          prisma,
          storeId,
          pending.map((entry) => entry.input),
        );
        report.imported += result.created;
        report.alreadyPresent += result.updated + result.unchanged;
        report.updated += result.updated;
        return;
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        const failed = failedItem(error, 'products');
        if (!failed || !pending[failed.index]) throw error;
        skips.add({ line: pending[failed.index]!.line, reason: `${failed.field}: ${error.rule}` });
        pending = pending.filter((_, index) => index !== failed.index);
      }
    }
  };

  for await (const record of records(file, delimiterOf(options.delimiter, ','), options.onProgress, started)) {
    if (!columns) {
      columns = readHeader<ProductField>(record, PRODUCT_COLUMNS, mapping, [['sku'], ['name']]);
      continue;
    }
    report.rows++;
    const values = valuesOf(columns, record.fields);
    const input = productRow(values, options.currency ?? store.defaultCurrency);
    if (typeof input === 'string') skips.add({ line: record.line, reason: input });
    else batch.push({ line: record.line, input });
    if (batch.length >= 1000) await flush();
  }
  await flush();
  return finishReport(report, skips, started);
}

function productRow(values: Partial<Record<ProductField, string>>, defaultCurrency: string): ProductInput | string {
  if (!values.sku) return 'sku: missing';
  if (!values.name) return 'name: missing';
  const input: ProductInput = { sku: values.sku, name: values.name };
  if (values.url) input.url = values.url;
  if (values.imageUrl) input.imageUrl = values.imageUrl;
  if (values.price) {
    const currency = (values.currency ?? defaultCurrency).toUpperCase();
    const exponent = currencyExponent(currency);
    if (exponent === null) return `currency: unknown currency "${currency}"`;
    const price = parseMoney(values.price, exponent);
    if (price === null) return `price: unreadable amount "${values.price}"`;
    input.price = price;
    input.currency = currency;
  }
  const categories = list(values.categoryPath, /\s*(?:>|\/)\s*/);
  if (categories) input.categoryPath = categories;
  const tags = list(values.tags);
  if (tags) input.tags = tags;
  for (const field of ['active', 'inStock'] as const) {
    const text = values[field];
    if (text === undefined) continue;
    const flag = parseBoolean(text);
    if (flag === null) return `${field}: expected yes or no, got "${text}"`;
    input[field] = flag;
  }
  return input;
}

import type { OrderInput } from '../orders/orders.service.ts';
import type { OrderRow, RowSkip } from './order-rows.ts';

/** An order ready to record, with the file lines it came from (for reports when it is refused). */
export interface AssembledOrder {
  input: OrderInput;
  lines: number[];
  cancelledAt: Date | null;
  isReturn: boolean;
  isGuest: boolean;
}

interface PendingOrder {
  first: OrderRow;
  rows: OrderRow[];
  /** Row key → line, to recognise a row exported twice. */
  keys: Map<string, number> | null;
}

export interface AssemblerOptions {
  /**
   * How many orders may be open (seen, not yet flushed) at once. Rows of one order must lie within
   * this many other orders of each other; a row arriving after its order was flushed is skipped
   * with a reason rather than silently lost (re-recording the id would be a no-op replay).
   */
  window?: number;
  /** Orders handed out at a time once the window is full (the service's batch size). */
  batchSize?: number;
  detectDuplicateRows: boolean;
}

/**
 * Groups order-line rows into orders in bounded memory. Exports list an order's rows together, but
 * messy files interleave them (several tills appending to one file): a window of open orders
 * absorbs that; the oldest orders are flushed in batches when it fills.
 */
export class OrderAssembler {
  private readonly open = new Map<string, PendingOrder>();
  /** Recently flushed order ids (bounded), to explain rows that arrive too late. */
  private readonly flushed = new Map<string, number>();
  private readonly ready: AssembledOrder[] = [];
  private readonly window: number;
  private readonly batchSize: number;
  readonly skips: RowSkip[] = [];

  constructor(private readonly options: AssemblerOptions) {
    this.batchSize = options.batchSize ?? 1000;
    this.window = Math.max(options.window ?? 2 * this.batchSize, this.batchSize);
  }

  /** The first row of an order still open, for rows that omit order-level values. */
  earlierRow(orderId: string): OrderRow | undefined {
    return this.open.get(orderId)?.first;
  }

  add(row: OrderRow): void {
    const pending = this.open.get(row.orderId);
    if (!pending) {
      const flushedAt = this.flushed.get(row.orderId);
      if (flushedAt !== undefined) {
        this.skips.push({
          line: row.line,
          reason: `order rows too far apart (order ${row.orderId} started at line ${flushedAt}, more than ${this.window} orders earlier; this row was not imported)`,
        });
        return;
      }
      const keys = this.options.detectDuplicateRows ? new Map([[row.key, row.line]]) : null;
      this.open.set(row.orderId, { first: row, rows: [row], keys });
      if (this.open.size > this.window) this.flush(this.batchSize);
      return;
    }
    if (pending.keys) {
      const same = pending.keys.get(row.key);
      if (same !== undefined) {
        this.skips.push({ line: row.line, reason: `duplicate row (same as line ${same})` });
        return;
      }
      pending.keys.set(row.key, row.line);
    }
    pending.rows.push(row);
  }

  /** Orders complete enough to record: up to one batch, oldest first. */
  take(): AssembledOrder[] {
    return this.ready.splice(0, this.batchSize);
  }

  /** At the end of the file: everything still open. */
  finish(): void {
    this.flush(this.open.size);
  }

  get readyCount(): number {
    return this.ready.length;
  }

  private flush(count: number): void {
    let left = count;
    for (const [orderId, pending] of this.open) {
      if (left-- <= 0) break;
      this.open.delete(orderId);
      this.flushed.set(orderId, pending.first.line);
      if (this.flushed.size > 20 * this.window) this.flushed.delete(this.flushed.keys().next().value as string);
      this.ready.push(assemble(pending.rows));
    }
  }
}

/** Order-level values come from the first row that has them (Shopify fills only the first). */
function firstOf<T>(rows: OrderRow[], pick: (row: OrderRow) => T | null): T | null {
  for (const row of rows) {
    const value = pick(row);
    if (value !== null) return value;
  }
  return null;
}

export function assemble(rows: OrderRow[]): AssembledOrder {
  const first = rows[0]!;
  const lines: OrderInput['lines'] = rows.map((row) => ({
    sku: row.item.sku,
    name: row.item.name,
    quantity: row.item.quantity,
    unitPrice: row.item.unitPrice,
    ...(row.item.discount ? { discount: row.item.discount } : {}),
    kind: row.item.kind,
  }));
  const shipping = firstOf(rows, (row) => row.shipping);
  if (shipping) lines.push({ sku: null, name: 'Shipping', quantity: 1, unitPrice: shipping, kind: 'SHIPPING' });
  const orderDiscount = firstOf(rows, (row) => row.orderDiscount);
  const customer = firstOf(rows, (row) => row.customer);
  const status = firstOf(rows, (row) => row.status);
  const input: OrderInput = {
    externalId: firstOf(rows, (row) => row.externalId) ?? first.orderId,
    customer,
    channel: first.channel,
    location: firstOf(rows, (row) => row.location),
    placedAt: first.placedAt,
    timeZone: first.timeZone,
    currency: first.currency,
    lines,
    ...(status ? { status } : {}),
    ...(orderDiscount ? { orderDiscount } : {}),
    ...(firstOf(rows, (row) => row.returnOf) ? { returnOfExternalId: firstOf(rows, (row) => row.returnOf) } : {}),
  };
  return {
    input,
    lines: rows.map((row) => row.line),
    cancelledAt: firstOf(rows, (row) => row.cancelledAt),
    isReturn: lines.every((line) => line.quantity < 0),
    isGuest: customer === null,
  };
}

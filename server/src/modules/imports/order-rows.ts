import type { Channel, LineKind, NonProductSku, OrderField, OrderPreset } from './presets.ts';
import { currencyExponent, isTimeZone, parseDate, parseMoney, parseQuantity } from './values.ts';

export type OrderStatusValue = 'PLACED' | 'PAID' | 'FULFILLED';

export interface ImportedCustomer {
  identities?: { source: string; externalId: string }[];
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  attributes?: Record<string, string>;
}

export interface ImportedLine {
  sku: string | null;
  name: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  kind: LineKind;
}

/** One valid row of an orders file: one order line plus the order-level values it carries. */
export interface OrderRow {
  line: number;
  /** The raw fields, joined: identical rows are exported duplicates. */
  key: string;
  /** Groups rows into an order: the order name where the file has one (Shopify), else the order id. */
  orderId: string;
  /** The id to record the order under when it differs from the grouping key. */
  externalId: string | null;
  placedAt: Date;
  currency: string;
  customer: ImportedCustomer | null;
  channel: Channel;
  location: string | null;
  status: OrderStatusValue | null;
  timeZone: string;
  orderDiscount: number | null;
  shipping: number | null;
  returnOf: string | null;
  cancelledAt: Date | null;
  item: ImportedLine;
}

export interface RowSkip {
  line: number;
  reason: string;
}

export interface OrderRowOptions {
  preset: OrderPreset;
  /** Column index → field (from the header, or the preset's positions for headerless files). */
  columns: (OrderField | 'ignore')[] | null;
  /** The store's zone unless --timezone. */
  timeZone: string;
  /** --currency: for rows without a currency column value. */
  currency: string | null;
  storeCurrency: string;
  /** --non-product-sku patterns, tried before the preset's. */
  nonProductSkus: NonProductSku[];
  dayFirst?: boolean;
  /** An earlier row of the same order still being assembled, to inherit order-level values from. */
  earlierRow?: (orderId: string) => Pick<OrderRow, 'placedAt' | 'currency'> | undefined;
}

const CHANNELS: Record<string, Channel> = {
  store: 'STORE',
  pos: 'STORE',
  shop: 'STORE',
  retail: 'STORE',
  online: 'ONLINE',
  web: 'ONLINE',
  webshop: 'ONLINE',
  ecommerce: 'ONLINE',
  app: 'APP',
  mobile: 'APP',
  other: 'OTHER',
};

const LINE_KINDS: Record<string, LineKind> = {
  product: 'PRODUCT',
  shipping: 'SHIPPING',
  postage: 'SHIPPING',
  fee: 'FEE',
  adjustment: 'ADJUSTMENT',
  discount: 'ADJUSTMENT',
};

/** Shopify's financial statuses and our own status names. */
function status(financial: string | undefined, fulfillment: string | undefined): OrderStatusValue | null {
  const f = fulfillment?.trim().toLowerCase();
  if (f === 'fulfilled') return 'FULFILLED';
  const value = financial?.trim().toLowerCase();
  if (!value) return null;
  if (value === 'fulfilled') return 'FULFILLED';
  if (value === 'paid' || value === 'partially_refunded' || value === 'refunded' || value === 'partially_paid')
    return 'PAID';
  return 'PLACED';
}

/** "17850.0" (a spreadsheet turned the id into a float) → "17850". */
function cleanId(text: string): string {
  return /^\d+\.0+$/.test(text) ? text.slice(0, text.indexOf('.')) : text;
}

/**
 * Turns the raw fields of one row into an OrderRow, or a reason to skip it. Stateful only for
 * presets whose rows are whole orders (CDNOW): the ordinal of a row within its customer-day is
 * counted here, in a bounded map, so that re-reading the same file derives the same ids.
 */
export class OrderRowReader {
  private readonly dayCounts = new Map<string, number>();
  private static readonly MAX_DAY_KEYS = 200_000;

  constructor(private readonly options: OrderRowOptions) {}

  read(fields: string[], line: number): OrderRow | RowSkip {
    const { preset } = this.options;
    const columns = this.options.columns ?? preset.positional?.(fields.length) ?? null;
    if (!columns) return { line, reason: `unexpected number of columns (${fields.length})` };
    const values: Partial<Record<OrderField, string>> = {};
    for (let i = 0; i < columns.length && i < fields.length; i++) {
      const field = columns[i]!;
      const value = fields[i]!.trim();
      if (field !== 'ignore' && value !== '' && values[field] === undefined) values[field] = value;
    }
    const skip = (reason: string): RowSkip => ({ line, reason });

    const timeZone = values.timeZone ?? this.options.timeZone;
    if (values.timeZone && !isTimeZone(values.timeZone))
      return skip(`timeZone: unknown time zone "${values.timeZone}"`);
    const customerId = values.customerId ? cleanId(values.customerId) : undefined;
    let orderId = values.orderName ?? values.orderId;
    if (preset.rowIsOrder) {
      if (!customerId) return skip('customerId: missing');
      if (!values.placedAt) return skip('placedAt: missing');
      const day = `${customerId}:${values.placedAt}`;
      const ordinal = (this.dayCounts.get(day) ?? 0) + 1;
      if (this.dayCounts.size >= OrderRowReader.MAX_DAY_KEYS) this.dayCounts.clear();
      this.dayCounts.set(day, ordinal);
      orderId = `${preset.identitySource}:${day}:${ordinal}`;
    }
    if (!orderId) return skip('orderId: missing');
    // Shopify puts order-level values on an order's first row only: later rows inherit them.
    const earlier = this.options.earlierRow?.(orderId);
    let placedAt: Date | null | undefined = earlier?.placedAt;
    if (values.placedAt) placedAt = parseDate(values.placedAt, timeZone, { dayFirst: this.options.dayFirst });
    else if (!placedAt) return skip('placedAt: missing');
    if (!placedAt) return skip(`placedAt: unreadable date "${values.placedAt}"`);

    const currency = (
      values.currency ??
      earlier?.currency ??
      this.options.currency ??
      preset.currency ??
      this.options.storeCurrency
    )
      .trim()
      .toUpperCase();
    const exponent = currencyExponent(currency);
    if (exponent === null) return skip(`currency: unknown currency "${currency}"`);
    const money = (field: 'unitPrice' | 'lineTotal' | 'discount' | 'orderDiscount' | 'shipping') => {
      const text = values[field];
      if (text === undefined) return undefined;
      return parseMoney(text, exponent);
    };

    if (values.quantity === undefined) return skip('quantity: missing');
    let quantity = parseQuantity(values.quantity);
    if (quantity === null) return skip(`quantity: not a whole number "${values.quantity}"`);
    if (quantity === 0) return skip('quantity: is 0');

    let unitPrice: number;
    let discount = 0;
    const unit = money('unitPrice');
    const total = money('lineTotal');
    if (unit === null) return skip(`unitPrice: unreadable amount "${values.unitPrice}"`);
    if (total === null) return skip(`lineTotal: unreadable amount "${values.lineTotal}"`);
    if (unit !== undefined) unitPrice = unit;
    else if (total !== undefined) {
      // A line total that is not a multiple of the quantity (CDNOW: 2 CDs for $29.33): round the unit
      // price up and carry the difference as a line discount, so the line total stays exact.
      const absolute = Math.abs(total);
      unitPrice = Math.ceil(absolute / Math.abs(quantity));
      discount = unitPrice * Math.abs(quantity) - absolute;
      if (total < 0 !== quantity < 0) quantity = -quantity;
    } else return skip('unitPrice: missing');
    if (unitPrice < 0) {
      // "Adjust bad debt" rows: a negative price means money going back, like a negative quantity.
      unitPrice = -unitPrice;
      quantity = -quantity;
    }
    const lineDiscount = money('discount');
    if (lineDiscount === null) return skip(`discount: unreadable amount "${values.discount}"`);
    if (lineDiscount !== undefined) discount += Math.abs(lineDiscount);
    const orderDiscount = money('orderDiscount');
    if (orderDiscount === null) return skip(`orderDiscount: unreadable amount "${values.orderDiscount}"`);
    const shipping = money('shipping');
    if (shipping === null) return skip(`shipping: unreadable amount "${values.shipping}"`);

    const sku = values.sku ?? null;
    const name = values.name ?? preset.lineName ?? sku;
    if (!name) return skip('name: missing (and no sku)');
    let kind: LineKind = 'PRODUCT';
    if (values.lineKind) {
      const known = LINE_KINDS[values.lineKind.toLowerCase()];
      if (!known) return skip(`lineKind: unknown kind "${values.lineKind}"`);
      kind = known;
    } else if (sku) {
      const match =
        this.options.nonProductSkus.find((rule) => rule.pattern.test(sku)) ??
        preset.nonProductSkus.find((rule) => rule.pattern.test(sku));
      if (match) kind = match.kind;
    }

    let channel = preset.channel;
    if (values.channel) {
      const known = CHANNELS[values.channel.toLowerCase()];
      if (!known) return skip(`channel: unknown channel "${values.channel}"`);
      channel = known;
    }
    let cancelledAt: Date | null = null;
    if (values.cancelledAt) {
      cancelledAt = parseDate(values.cancelledAt, timeZone, { dayFirst: this.options.dayFirst });
      if (!cancelledAt) return skip(`cancelledAt: unreadable date "${values.cancelledAt}"`);
    }
    const rowStatus = values.status?.toLowerCase();
    if (rowStatus === 'cancelled' || rowStatus === 'canceled' || rowStatus === 'voided') cancelledAt ??= placedAt;

    return {
      line,
      key: fields.join('\u0000'),
      orderId,
      externalId: values.orderName && values.orderId ? values.orderId : null,
      placedAt,
      currency,
      customer: this.customer(values, customerId),
      channel,
      location: values.location ?? null,
      status: status(values.status, values.fulfillmentStatus),
      timeZone,
      orderDiscount: orderDiscount === undefined ? null : Math.abs(orderDiscount),
      shipping: shipping === undefined ? null : shipping,
      returnOf: values.returnOf ?? null,
      cancelledAt,
      item: { sku, name, quantity, unitPrice, discount, kind },
    };
  }

  private customer(
    values: Partial<Record<OrderField, string>>,
    customerId: string | undefined,
  ): ImportedCustomer | null {
    let { firstName, lastName } = values;
    if (!firstName && !lastName && values.customerName) {
      const parts = values.customerName.split(/\s+/);
      lastName = parts.length > 1 ? parts.pop() : undefined;
      firstName = parts.join(' ');
    }
    if (!customerId && !values.email && !values.phone) return null;
    const customer: ImportedCustomer = {};
    if (customerId) customer.identities = [{ source: this.options.preset.identitySource, externalId: customerId }];
    if (values.email) customer.email = values.email;
    if (values.phone) customer.phone = values.phone;
    if (firstName) customer.firstName = firstName;
    if (lastName) customer.lastName = lastName;
    if (values.country) customer.attributes = { country: values.country };
    return customer;
  }
}

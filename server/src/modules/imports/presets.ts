import type { Delimiter } from './csv-parser.ts';

/** What a column of an orders file can mean. `ignore` drops a column. */
export const ORDER_FIELDS = [
  'orderId',
  'orderName',
  'placedAt',
  'customerId',
  'email',
  'phone',
  'firstName',
  'lastName',
  'customerName',
  'country',
  'sku',
  'name',
  'quantity',
  'unitPrice',
  'lineTotal',
  'discount',
  'lineKind',
  'currency',
  'channel',
  'location',
  'status',
  'fulfillmentStatus',
  'orderDiscount',
  'shipping',
  'returnOf',
  'cancelledAt',
  'timeZone',
  'ignore',
] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export const CUSTOMER_FIELDS = [
  'customerId',
  'email',
  'phone',
  'firstName',
  'lastName',
  'customerName',
  'locale',
  'birthday',
  'marketingConsent',
  'tags',
  'country',
  'ignore',
] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number] | `attribute.${string}`;

export const PRODUCT_FIELDS = [
  'sku',
  'name',
  'url',
  'imageUrl',
  'price',
  'currency',
  'categoryPath',
  'tags',
  'active',
  'inStock',
  'ignore',
] as const;
export type ProductField = (typeof PRODUCT_FIELDS)[number];

export type LineKind = 'PRODUCT' | 'SHIPPING' | 'FEE' | 'ADJUSTMENT';
export type Channel = 'STORE' | 'ONLINE' | 'APP' | 'OTHER';

export interface NonProductSku {
  /** Matched against the whole sku, case-insensitively. */
  pattern: RegExp;
  kind: Exclude<LineKind, 'PRODUCT'>;
  /** As the user wrote it, for reports. */
  source: string;
}

export interface OrderPreset {
  name: string;
  description: string;
  delimiter: Delimiter;
  /** Headerless files name their columns by position; the function gets the row's field count. */
  positional?: (fieldCount: number) => OrderField[] | null;
  /** Normalised header (see normaliseHeader) → field. */
  columns: Record<string, OrderField>;
  /** `source` of the customer identity made from the customer id column. */
  identitySource: string;
  channel: Channel;
  /** Used when neither the row nor --currency names one (before the store's currency). */
  currency?: string;
  /** A line name for files that have none. */
  lineName?: string;
  nonProductSkus: NonProductSku[];
  /**
   * Each row is a whole order and the file has no order ids: the external id is derived from the
   * customer id, the date text and the row's ordinal within that customer-day (CDNOW).
   */
  rowIsOrder?: boolean;
  /** Identical rows are one row exported twice, except where each row is an order of its own. */
  detectDuplicateRows: boolean;
}

/** "Lineitem quantity", "lineitem_quantity", "LineitemQuantity" → "lineitemquantity". */
export function normaliseHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * `pattern[=KIND]`: an exact sku or a glob with `*`, and the line kind (SHIPPING, FEE or
 * ADJUSTMENT; default FEE).
 */
export function parseNonProductSku(text: string): NonProductSku {
  const at = text.lastIndexOf('=');
  const kindText =
    at >= 0
      ? text
          .slice(at + 1)
          .trim()
          .toUpperCase()
      : 'FEE';
  const pattern = (at >= 0 ? text.slice(0, at) : text).trim();
  if (!pattern) throw new Error(`non-product sku "${text}": the pattern is empty`);
  if (kindText !== 'SHIPPING' && kindText !== 'FEE' && kindText !== 'ADJUSTMENT')
    throw new Error(`non-product sku "${text}": the kind must be SHIPPING, FEE or ADJUSTMENT`);
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return { pattern: new RegExp(`^${regex}$`, 'i'), kind: kindText, source: text };
}

const GENERIC_COLUMNS: Record<string, OrderField> = {
  ...Object.fromEntries(ORDER_FIELDS.filter((f) => f !== 'ignore').map((field) => [normaliseHeader(field), field])),
  order: 'orderId',
  ordernumber: 'orderId',
  orderno: 'orderId',
  externalid: 'orderId',
  invoice: 'orderId',
  invoiceno: 'orderId',
  date: 'placedAt',
  orderdate: 'placedAt',
  createdat: 'placedAt',
  customer: 'customerId',
  customerexternalid: 'customerId',
  productsku: 'sku',
  productname: 'name',
  description: 'name',
  title: 'name',
  qty: 'quantity',
  price: 'unitPrice',
  linediscount: 'discount',
  kind: 'lineKind',
  store: 'location',
  timezone: 'timeZone',
  returnofexternalid: 'returnOf',
};

/** The UCI "Online Retail" data set (a UK gift shop, 2010–2011). */
const ONLINE_RETAIL_SKUS = [
  'POST=SHIPPING',
  'DOT=SHIPPING',
  'C2=SHIPPING',
  'BANK CHARGES=FEE',
  'AMAZONFEE=FEE',
  'CRUK=FEE',
  'M=ADJUSTMENT',
  'D=ADJUSTMENT',
  'PADS=ADJUSTMENT',
  'B=ADJUSTMENT',
  'S=ADJUSTMENT',
].map(parseNonProductSku);

export const ORDER_PRESETS: Record<string, OrderPreset> = {
  generic: {
    name: 'generic',
    description:
      'columns named like Kanta fields (orderId, placedAt, customerId, email, sku, name, quantity, unitPrice…)',
    delimiter: ',',
    columns: GENERIC_COLUMNS,
    identitySource: 'import',
    channel: 'OTHER',
    nonProductSkus: [],
    detectDuplicateRows: true,
  },
  'online-retail': {
    name: 'online-retail',
    description:
      'UCI "Online Retail": InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country',
    delimiter: ',',
    columns: {
      invoiceno: 'orderId',
      invoice: 'orderId',
      stockcode: 'sku',
      description: 'name',
      quantity: 'quantity',
      invoicedate: 'placedAt',
      unitprice: 'unitPrice',
      price: 'unitPrice',
      customerid: 'customerId',
      country: 'country',
      currency: 'currency',
    },
    identitySource: 'online-retail',
    channel: 'ONLINE',
    currency: 'GBP',
    nonProductSkus: ONLINE_RETAIL_SKUS,
    detectDuplicateRows: true,
  },
  shopify: {
    name: 'shopify',
    description: 'Shopify orders export (Name, Email, Financial Status, Created at, Lineitem quantity/name/price/sku…)',
    delimiter: ',',
    // Rows are grouped by Name ("#1001", on every row); the external id is the numeric Id (first row
    // only) when the export has it, as the orders/create webhook records it, so both paths meet.
    columns: {
      name: 'orderName',
      id: 'orderId',
      email: 'email',
      phone: 'phone',
      billingname: 'customerName',
      billingcountry: 'country',
      financialstatus: 'status',
      fulfillmentstatus: 'fulfillmentStatus',
      currency: 'currency',
      lineitemquantity: 'quantity',
      lineitemname: 'name',
      lineitemprice: 'unitPrice',
      lineitemsku: 'sku',
      lineitemdiscount: 'discount',
      discountamount: 'orderDiscount',
      shipping: 'shipping',
      createdat: 'placedAt',
      cancelledat: 'cancelledAt',
      location: 'location',
    },
    identitySource: 'shopify',
    channel: 'ONLINE',
    nonProductSkus: [],
    detectDuplicateRows: true,
  },
  cdnow: {
    name: 'cdnow',
    description:
      'CDNOW transaction logs (whitespace-separated, no header): [sample id,] customer id, YYYYMMDD, CDs, dollars',
    delimiter: 'whitespace',
    columns: {},
    positional: (count) =>
      count === 5
        ? ['customerId', 'ignore', 'placedAt', 'quantity', 'lineTotal']
        : count === 4
          ? ['customerId', 'placedAt', 'quantity', 'lineTotal']
          : null,
    identitySource: 'cdnow',
    channel: 'ONLINE',
    currency: 'USD',
    lineName: 'CDs',
    nonProductSkus: [],
    rowIsOrder: true,
    detectDuplicateRows: false,
  },
};

export const CUSTOMER_COLUMNS: Record<string, CustomerField> = {
  ...Object.fromEntries(CUSTOMER_FIELDS.filter((f) => f !== 'ignore').map((field) => [normaliseHeader(field), field])),
  id: 'customerId',
  externalid: 'customerId',
  emailaddress: 'email',
  mobile: 'phone',
  phonenumber: 'phone',
  givenname: 'firstName',
  familyname: 'lastName',
  surname: 'lastName',
  name: 'customerName',
  fullname: 'customerName',
  language: 'locale',
  dateofbirth: 'birthday',
  acceptsmarketing: 'marketingConsent',
  consent: 'marketingConsent',
  marketing: 'marketingConsent',
};

export const PRODUCT_COLUMNS: Record<string, ProductField> = {
  ...Object.fromEntries(PRODUCT_FIELDS.filter((f) => f !== 'ignore').map((field) => [normaliseHeader(field), field])),
  stockcode: 'sku',
  productsku: 'sku',
  title: 'name',
  productname: 'name',
  description: 'name',
  link: 'url',
  image: 'imageUrl',
  imagelink: 'imageUrl',
  unitprice: 'price',
  category: 'categoryPath',
  producttype: 'categoryPath',
  instock: 'inStock',
  available: 'inStock',
  status: 'active',
};

/**
 * `--map column=field` pairs. The column is matched like headers (case and punctuation ignored);
 * the last `=` separates them so column names may contain "=".
 */
export function parseMappings<F extends string>(
  pairs: string[],
  isField: (field: string) => field is F,
  fieldList: readonly string[],
): Record<string, F> {
  const mapping: Record<string, F> = {};
  for (const pair of pairs) {
    const at = pair.lastIndexOf('=');
    const column = at > 0 ? normaliseHeader(pair.slice(0, at)) : '';
    const field = at > 0 ? pair.slice(at + 1).trim() : '';
    if (!column || !field) throw new Error(`--map "${pair}": expected column=field`);
    if (!isField(field)) throw new Error(`--map "${pair}": unknown field "${field}" (one of ${fieldList.join(', ')})`);
    mapping[column] = field;
  }
  return mapping;
}

export const isOrderField = (field: string): field is OrderField => (ORDER_FIELDS as readonly string[]).includes(field);
export const isCustomerField = (field: string): field is CustomerField =>
  (CUSTOMER_FIELDS as readonly string[]).includes(field) || /^attribute\.[A-Za-z0-9_]{1,64}$/.test(field);
export const isProductField = (field: string): field is ProductField =>
  (PRODUCT_FIELDS as readonly string[]).includes(field);

/** Column index → field for a header row; unknown columns are ignored. */
export function resolveColumns<F extends string>(
  header: string[],
  columns: Record<string, F>,
  overrides: Record<string, F>,
): (F | 'ignore')[] {
  return header.map((name) => {
    const key = normaliseHeader(name);
    return overrides[key] ?? columns[key] ?? 'ignore';
  });
}

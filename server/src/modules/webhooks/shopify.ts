import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';
import type { CustomerInput } from '../customers/customers.validation.ts';
import { normaliseEmail, normalisePhone } from '../customers/normalise.ts';
import type { OrderInput, OrderLineInput } from '../orders/orders.service.ts';
import { firstIssue } from '../stores/stores.validation.ts';

/**
 * Shopify's order webhook payload (the REST `Order` resource, identical for orders/create, orders/paid,
 * orders/updated and orders/cancelled), reduced to what Kanta keeps. Unknown keys are ignored, so newer
 * API versions keep working.
 */

const decimal = z
  .union([z.string(), z.number()], { error: 'must be a decimal amount such as "19.95"' })
  .transform((value) => String(value).trim())
  .refine((value) => /^-?\d+(\.\d+)?$/.test(value), 'must be a decimal amount such as "19.95"');

const timestamp = z
  .string({ error: 'must be an ISO 8601 timestamp' })
  .refine(
    (value) => /(Z|[+-]\d\d:?\d\d)$/i.test(value) && !Number.isNaN(new Date(value).getTime()),
    'must be an ISO 8601 timestamp with an offset, e.g. 2026-11-30T14:22:05+02:00',
  )
  .transform((value) => new Date(value));

const id = z
  .union([z.number().int().nonnegative(), z.string().trim().min(1)], { error: 'must be an id' })
  .transform(String);

const text = z.string().nullish();

const discountAllocations = z.array(z.object({ amount: decimal })).nullish();

const customerSchema = z.object({
  id,
  email: text,
  phone: text,
  first_name: text,
  last_name: text,
  email_marketing_consent: z.object({ state: text, consent_updated_at: timestamp.nullish() }).nullish(),
  accepts_marketing: z.boolean().nullish(),
  accepts_marketing_updated_at: timestamp.nullish(),
});

const orderSchema = z.object({
  id,
  created_at: timestamp,
  currency: z
    .string({ error: 'must be an ISO 4217 currency code' })
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code')
    .transform((value) => value.toUpperCase()),
  financial_status: text,
  fulfillment_status: text,
  source_name: text,
  location_id: z.union([z.number(), z.string()]).nullish(),
  cancelled_at: timestamp.nullish(),
  cancel_reason: text,
  total_discounts: decimal.nullish(),
  total_tax: decimal.nullish(),
  taxes_included: z.boolean().nullish(),
  customer: customerSchema.nullish(),
  line_items: z
    .array(
      z.object({
        sku: text,
        name: text,
        title: text,
        variant_title: text,
        quantity: z.number({ error: 'must be a number' }).int('must be a whole number'),
        price: decimal,
        total_discount: decimal.nullish(),
        discount_allocations: discountAllocations,
      }),
    )
    .min(1, 'must list at least one item'),
  shipping_lines: z
    .array(z.object({ title: text, price: decimal, discount_allocations: discountAllocations }))
    .nullish(),
});

/**
 * JSON.parse, except that integer ids too long for a double (Shopify ids are 64-bit) are kept as
 * strings: `"id": 9007199254740993` would otherwise become ...992 and name another order.
 */
export function parseShopifyJson(raw: string): unknown {
  return JSON.parse(raw.replace(/("(?:id|[a-z_]+_id)"\s*:\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
}

export type ShopifyOrderPayload = z.input<typeof orderSchema>;

export interface ShopifyCancellation {
  externalId: string;
  reason: string | null;
  cancelledAt: Date | null;
}

export interface ShopifyOrder {
  order: OrderInput;
  /** Set when the payload says the order is cancelled (orders/cancelled, or any topic with cancelled_at). */
  cancellation: ShopifyCancellation | null;
}

/** Decimal places of the currency's minor unit (JPY 0, EUR 2, KWD 3), as Intl knows them from ISO 4217. */
export function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new InvalidInputError('currency', 'must be an ISO 4217 currency code');
  }
}

/**
 * "19.95" → 1995 without floating point (0.1 + 0.2 style errors would lose cents). Extra decimals
 * beyond the currency's minor unit are rounded half away from zero.
 */
export function toMinorUnits(amount: string, digits: number): number {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new Error(`not a decimal amount: ${amount}`);
  const [, sign, whole, fraction = ''] = match;
  const kept = fraction.slice(0, digits).padEnd(digits, '0');
  let minor = BigInt(whole!) * 10n ** BigInt(digits) + BigInt(kept || '0');
  if ((fraction[digits] ?? '0') >= '5') minor += 1n;
  const value = Number(minor);
  if (!Number.isSafeInteger(value)) throw new Error(`amount too large: ${amount}`);
  return sign === '-' && value !== 0 ? -value : value;
}

/**
 * Shopify's `source_name`: "web" (online store), "pos", "iphone"/"android" (the Shop and mobile
 * apps), "shopify_draft_order", or the numeric id of another sales-channel app.
 */
export function channelOf(sourceName: string | null | undefined): OrderInput['channel'] {
  switch (sourceName?.trim().toLowerCase()) {
    case 'web':
      return 'ONLINE';
    case 'pos':
      return 'STORE';
    case 'iphone':
    case 'android':
      return 'APP';
    default:
      return 'OTHER';
  }
}

function statusOf(financial: string | null | undefined, fulfillment: string | null | undefined): OrderInput['status'] {
  if (fulfillment === 'fulfilled') return 'FULFILLED';
  // Refunded orders were paid first; refunds themselves arrive as separate refunds/create webhooks.
  if (financial === 'paid' || financial === 'partially_refunded' || financial === 'refunded') return 'PAID';
  return 'PLACED';
}

function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

type ParsedCustomer = z.output<typeof customerSchema>;

/**
 * Shopify's customer id becomes an identity under the webhook source's name. A malformed email or phone
 * is dropped rather than rejecting the order: the sale happened whatever the contact data says.
 */
function customerOf(customer: ParsedCustomer, identitySource: string): CustomerInput {
  const input: CustomerInput = {
    identities: [{ source: identitySource, externalId: customer.id }],
    email: present(customer.email) && normaliseEmail(customer.email!),
    phone: present(customer.phone) && normalisePhone(customer.phone!),
    firstName: present(customer.first_name)?.slice(0, 100) ?? null,
    lastName: present(customer.last_name)?.slice(0, 100) ?? null,
  };
  const consent = customer.email_marketing_consent;
  // Only explicit answers are recorded: "not_subscribed" means never asked, which must not overwrite
  // a consent the customer gave in another channel.
  if (consent?.state === 'subscribed' || consent?.state === 'unsubscribed')
    input.marketingConsent = {
      granted: consent.state === 'subscribed',
      ...(consent.consent_updated_at ? { at: consent.consent_updated_at } : {}),
      source: identitySource,
    };
  else if (!consent && customer.accepts_marketing === true)
    input.marketingConsent = {
      granted: true,
      ...(customer.accepts_marketing_updated_at ? { at: customer.accepts_marketing_updated_at } : {}),
      source: identitySource,
    };
  return input;
}

/**
 * Maps a Shopify order payload to Kanta's order input. Throws InvalidInputError naming the payload
 * field (e.g. `line_items.0.price`) when the payload is not a Shopify order.
 *
 * - `externalId` is Shopify's numeric order id (stable across every topic; `name` like "#1001" is per shop).
 * - Line discounts are the sum of `discount_allocations` (falling back to the legacy `total_discount`);
 *   whatever part of `total_discounts` no line carries becomes the order-level discount.
 * - Shipping lines become SHIPPING lines. With `taxes_included: false` (US-style prices) the tax is added
 *   as a FEE line, so the order total is what the customer paid (`total_price`).
 * - No `customer` object means a guest order (typically a POS sale without a customer).
 */
export function mapShopifyOrder(payload: unknown, options: { identitySource: string }): ShopifyOrder {
  const parsed = orderSchema.safeParse(payload);
  if (!parsed.success) {
    const { field, rule } = firstIssue(parsed.error);
    throw new InvalidInputError(field, rule);
  }
  const order = parsed.data;
  const digits = minorUnitDigits(order.currency);
  const minor = (amount: string) => toMinorUnits(amount, digits);
  const allocated = (allocations: { amount: string }[]) =>
    allocations.reduce((sum, allocation) => sum + minor(allocation.amount), 0);

  const lines: OrderLineInput[] = [];
  for (const item of order.line_items) {
    // Items removed by an order edit stay in the payload with quantity 0.
    if (item.quantity === 0) continue;
    const variant = present(item.variant_title);
    const name =
      present(item.name) ?? (present(item.title) ? `${item.title!.trim()}${variant ? ` - ${variant}` : ''}` : 'Item');
    lines.push({
      sku: present(item.sku),
      name,
      quantity: item.quantity,
      unitPrice: minor(item.price),
      discount: item.discount_allocations
        ? allocated(item.discount_allocations)
        : item.total_discount
          ? minor(item.total_discount)
          : 0,
      kind: 'PRODUCT',
    });
  }
  for (const shipping of order.shipping_lines ?? []) {
    lines.push({
      sku: null,
      name: present(shipping.title) ?? 'Shipping',
      quantity: 1,
      unitPrice: minor(shipping.price),
      discount: allocated(shipping.discount_allocations ?? []),
      kind: 'SHIPPING',
    });
  }
  const tax = order.total_tax ? minor(order.total_tax) : 0;
  if (order.taxes_included === false && tax > 0)
    lines.push({ sku: null, name: 'Tax', quantity: 1, unitPrice: tax, discount: 0, kind: 'FEE' });

  const lineDiscounts = lines.reduce((sum, line) => sum + (line.discount ?? 0), 0);
  const orderDiscount = Math.max(0, (order.total_discounts ? minor(order.total_discounts) : 0) - lineDiscounts);

  return {
    order: {
      externalId: order.id,
      customer: order.customer ? customerOf(order.customer, options.identitySource) : null,
      channel: channelOf(order.source_name),
      location: order.location_id == null ? null : String(order.location_id),
      placedAt: order.created_at,
      // Shopify sends an offset, not a zone name: the instant is exact, the zone unknown.
      timeZone: null,
      currency: order.currency,
      status: statusOf(order.financial_status, order.fulfillment_status),
      lines,
      orderDiscount,
    },
    cancellation: order.cancelled_at
      ? { externalId: order.id, reason: present(order.cancel_reason), cancelledAt: order.cancelled_at }
      : null,
  };
}

/** For orders/cancelled: the cancellation even when the payload lacks `cancelled_at`. */
export function shopifyCancellation(mapped: ShopifyOrder): ShopifyCancellation {
  return mapped.cancellation ?? { externalId: mapped.order.externalId, reason: null, cancelledAt: null };
}

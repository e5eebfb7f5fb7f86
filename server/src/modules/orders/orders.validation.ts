import { z } from 'zod';
import { customerInput } from '../customers/customers.validation.ts';
import { currencyCode, timeZone } from '../stores/stores.validation.ts';
import { lineGross, maxOrderDiscount } from './order-totals.ts';

/** The most orders one `recordOrders` call takes: one transaction, a handful of bulk statements. */
export const MAX_ORDERS_PER_CALL = 1_000;
export const MAX_LINES_PER_ORDER = 1_000;
/** Prices and discounts live in 32-bit integer columns. */
const MAX_INT = 2_147_483_647;
const MAX_QUANTITY = 1_000_000;

const minorUnits = (what: string) =>
  z
    .number({ error: `${what} must be a number of minor units` })
    .int('must be a whole number of minor units')
    .min(0, 'must not be negative')
    .max(MAX_INT, `must be at most ${MAX_INT}`);

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((value) => (value ? value : null));

export const orderLineInput = z
  .object({
    sku: optionalText(100),
    name: z
      .string({ error: 'is required' })
      .trim()
      .min(1, 'must not be empty')
      .max(500, 'must be at most 500 characters'),
    quantity: z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .refine((value) => value !== 0, 'must not be zero (negative for returned items)')
      .refine((value) => Math.abs(value) <= MAX_QUANTITY, `must be between -${MAX_QUANTITY} and ${MAX_QUANTITY}`),
    unitPrice: minorUnits('unitPrice'),
    discount: minorUnits('discount').default(0),
    kind: z
      .enum(['PRODUCT', 'SHIPPING', 'FEE', 'ADJUSTMENT'], 'must be PRODUCT, SHIPPING, FEE or ADJUSTMENT')
      .default('PRODUCT'),
  })
  .superRefine((line, context) => {
    if (BigInt(line.discount) > lineGross(line))
      context.addIssue({ code: 'custom', path: ['discount'], message: 'must not exceed quantity × unitPrice' });
  });

const placedAt = z
  .union([z.date(), z.iso.datetime({ offset: true }).transform((value) => new Date(value))], {
    error: 'must be a date (ISO 8601 with a time zone)',
  })
  .refine((date) => !Number.isNaN(date.getTime()), 'must be a valid date')
  .refine(
    (date) => date.getUTCFullYear() >= 1900 && date.getUTCFullYear() <= 2200,
    'must be between the years 1900 and 2200',
  );

export const orderInput = z
  .object({
    externalId: z
      .string({ error: 'is required' })
      .trim()
      .min(1, 'must not be empty')
      .max(200, 'must be at most 200 characters'),
    customer: customerInput.nullish().transform((value) => value ?? null),
    channel: z.enum(['STORE', 'ONLINE', 'APP', 'OTHER'], 'must be STORE, ONLINE, APP or OTHER'),
    location: optionalText(200),
    placedAt,
    timeZone: timeZone.nullish().transform((value) => value ?? null),
    currency: currencyCode.nullish().transform((value) => value ?? null),
    status: z
      .enum(['PLACED', 'PAID', 'FULFILLED'], 'must be PLACED, PAID or FULFILLED (cancel with cancelOrder)')
      .nullish()
      .transform((value) => value ?? 'PLACED'),
    lines: z
      .array(orderLineInput, 'must be a list of lines')
      .min(1, 'must list at least one line')
      .max(MAX_LINES_PER_ORDER, `must list at most ${MAX_LINES_PER_ORDER} lines`),
    orderDiscount: minorUnits('orderDiscount')
      .nullish()
      .transform((value) => value ?? 0),
    returnOfExternalId: optionalText(200),
  })
  .superRefine((order, context) => {
    if (order.orderDiscount > 0 && BigInt(order.orderDiscount) > maxOrderDiscount(order.lines))
      context.addIssue({
        code: 'custom',
        path: ['orderDiscount'],
        message: 'must not exceed the value of the lines after their discounts',
      });
    if (order.returnOfExternalId !== null) {
      if (!order.lines.every((line) => line.quantity < 0))
        context.addIssue({
          code: 'custom',
          path: ['returnOfExternalId'],
          message: 'only a return (every line quantity negative) can name the order it returns',
        });
      else if (order.returnOfExternalId === order.externalId)
        context.addIssue({ code: 'custom', path: ['returnOfExternalId'], message: 'must name another order' });
    }
  });

export type ValidOrderInput = z.output<typeof orderInput>;
export type ValidOrderLine = z.output<typeof orderLineInput>;

export const ordersInput = z
  .array(orderInput, 'must be a list of orders')
  .max(MAX_ORDERS_PER_CALL, `must list at most ${MAX_ORDERS_PER_CALL.toLocaleString('en')} orders per call`);

export const cancelInput = z.object({
  externalId: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  reason: optionalText(500),
  cancelledAt: z.date().nullish(),
});

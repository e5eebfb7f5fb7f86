import { describe, expect, test } from 'vitest';
import { InvalidInputError } from '../../errors.ts';
import { shopifyOrderPayload } from './shopify.fixture.ts';
import {
  channelOf,
  mapShopifyOrder,
  minorUnitDigits,
  parseShopifyJson,
  shopifyCancellation,
  toMinorUnits,
} from './shopify.ts';

describe('toMinorUnits', () => {
  test.each([
    ['19.95', 2, 1995],
    ['19.9', 2, 1990],
    ['19', 2, 1900],
    ['0.10', 2, 10],
    ['0.00', 2, 0],
    ['-4.50', 2, -450],
    ['1000', 0, 1000],
    ['1000.00', 0, 1000],
    ['1.234', 3, 1234],
    ['1.005', 2, 101],
    ['1.004', 2, 100],
    ['-1.005', 2, -101],
    ['1234567.89', 2, 123456789],
  ])('%s with %i decimals → %i', (amount, digits, expected) => {
    expect(toMinorUnits(amount, digits)).toBe(expected);
  });

  test('never goes through floating point (0.1 + 0.2 would)', () => {
    expect(toMinorUnits('0.29', 2)).toBe(29);
    expect(toMinorUnits('4.35', 2)).toBe(435);
  });
});

describe('minorUnitDigits', () => {
  test.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KWD', 3],
  ])('%s has %i decimals', (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });
});

describe('channelOf', () => {
  test.each([
    ['web', 'ONLINE'],
    ['pos', 'STORE'],
    ['POS', 'STORE'],
    ['iphone', 'APP'],
    ['android', 'APP'],
    ['shopify_draft_order', 'OTHER'],
    ['1354745', 'OTHER'],
    [null, 'OTHER'],
  ] as const)('source_name %s → %s', (source, channel) => {
    expect(channelOf(source)).toBe(channel);
  });
});

describe('parseShopifyJson', () => {
  test('keeps 64-bit ids exact and leaves other numbers alone', () => {
    const parsed = parseShopifyJson(
      '{"id": 9007199254740993, "customer": {"id":12345678901234567}, "location_id": 48752903, "quantity": 2, "note": "id: 12345678901234567890"}',
    );
    expect(parsed).toEqual({
      id: '9007199254740993',
      customer: { id: '12345678901234567' },
      location_id: 48752903,
      quantity: 2,
      note: 'id: 12345678901234567890',
    });
    expect(
      mapShopifyOrder({ ...shopifyOrderPayload(), id: (parsed as { id: string }).id }, { identitySource: 'shopify' })
        .order.externalId,
    ).toBe('9007199254740993');
  });
});

describe('mapShopifyOrder', () => {
  const map = (payload: unknown) => mapShopifyOrder(payload, { identitySource: 'shopify' });

  test('an online order with a customer, discounts and shipping', () => {
    const { order, cancellation } = map(shopifyOrderPayload());
    expect(cancellation).toBeNull();
    expect(order).toEqual({
      externalId: '5741306282172',
      customer: {
        identities: [{ source: 'shopify', externalId: '7049374548156' }],
        email: 'jon.snow@example.com',
        phone: '+358401234567',
        firstName: 'Jon',
        lastName: 'Snow',
        marketingConsent: { granted: true, at: new Date('2026-10-01T07:00:00Z'), source: 'shopify' },
      },
      channel: 'ONLINE',
      location: null,
      placedAt: new Date('2026-11-30T12:22:05Z'),
      timeZone: null,
      currency: 'EUR',
      status: 'PAID',
      lines: [
        { sku: 'MUG-BLUE', name: 'Mug - Blue', quantity: 2, unitPrice: 1995, discount: 300, kind: 'PRODUCT' },
        { sku: null, name: 'Gift wrap', quantity: 1, unitPrice: 495, discount: 200, kind: 'PRODUCT' },
        { sku: null, name: 'Posti SmartPOST', quantity: 1, unitPrice: 490, discount: 0, kind: 'SHIPPING' },
      ],
      orderDiscount: 0,
    });
  });

  test('the mapped lines add up to total_price', () => {
    for (const payload of [
      shopifyOrderPayload(),
      shopifyOrderPayload({ taxes_included: false, total_tax: '3.59', total_price: '48.34' }),
    ]) {
      const { order } = map(payload);
      const total =
        order.lines.reduce((sum, line) => sum + line.quantity * line.unitPrice - (line.discount ?? 0), 0) -
        (order.orderDiscount ?? 0);
      expect(total).toBe(toMinorUnits(payload.total_price, 2));
    }
  });

  test('a POS sale without a customer is a guest order at its location', () => {
    const { order } = map(
      shopifyOrderPayload({
        source_name: 'pos',
        location_id: 48752903,
        customer: null,
        email: '',
        total_discounts: '0.00',
        shipping_lines: [],
        line_items: [{ sku: 'MUG-BLUE', name: 'Mug - Blue', quantity: 1, price: '19.95', discount_allocations: [] }],
      }),
    );
    expect(order).toMatchObject({ customer: null, channel: 'STORE', location: '48752903' });
    expect(order.lines).toEqual([
      { sku: 'MUG-BLUE', name: 'Mug - Blue', quantity: 1, unitPrice: 1995, discount: 0, kind: 'PRODUCT' },
    ]);
  });

  test('an app order in yen, with a legacy line discount and an unallocated order discount', () => {
    const { order } = map(
      shopifyOrderPayload({
        source_name: 'iphone',
        currency: 'jpy',
        total_discounts: '500',
        shipping_lines: null,
        line_items: [
          { sku: 'TEA-1', title: 'Sencha', variant_title: '100 g', quantity: 3, price: '1200', total_discount: '200' },
        ],
      }),
    );
    expect(order).toMatchObject({ channel: 'APP', currency: 'JPY', orderDiscount: 300 });
    expect(order.lines).toEqual([
      { sku: 'TEA-1', name: 'Sencha - 100 g', quantity: 3, unitPrice: 1200, discount: 200, kind: 'PRODUCT' },
    ]);
  });

  test('status follows fulfilment, then payment', () => {
    expect(map(shopifyOrderPayload({ financial_status: 'pending' })).order.status).toBe('PLACED');
    expect(map(shopifyOrderPayload({ financial_status: 'partially_refunded' })).order.status).toBe('PAID');
    expect(map(shopifyOrderPayload({ fulfillment_status: 'fulfilled' })).order.status).toBe('FULFILLED');
  });

  test('items removed by an order edit (quantity 0) are left out', () => {
    const payload = shopifyOrderPayload();
    payload.line_items[1].quantity = 0;
    expect(map(payload).order.lines.map((line) => line.name)).toEqual(['Mug - Blue', 'Posti SmartPOST']);
  });

  test('bad contact data is dropped, the order kept; unknown consent is not recorded', () => {
    const { order } = map(
      shopifyOrderPayload({
        customer: {
          id: 42,
          email: 'not an email',
          phone: '12',
          first_name: '  ',
          last_name: null,
          email_marketing_consent: { state: 'not_subscribed', consent_updated_at: null },
        },
      }),
    );
    expect(order.customer).toEqual({
      identities: [{ source: 'shopify', externalId: '42' }],
      email: null,
      phone: null,
      firstName: null,
      lastName: null,
    });
  });

  test('unsubscribed is recorded as a refusal; the identity uses the webhook source name', () => {
    const { order } = mapShopifyOrder(
      shopifyOrderPayload({ customer: { id: 7, email_marketing_consent: { state: 'unsubscribed' } } }),
      { identitySource: 'shopify-outlet' },
    );
    expect(order.customer?.identities).toEqual([{ source: 'shopify-outlet', externalId: '7' }]);
    expect(order.customer?.marketingConsent).toEqual({ granted: false, source: 'shopify-outlet' });
  });

  test('an orders/cancelled payload carries the cancellation', () => {
    const mapped = map(shopifyOrderPayload({ cancelled_at: '2026-12-01T10:00:00-05:00', cancel_reason: 'customer' }));
    expect(mapped.cancellation).toEqual({
      externalId: '5741306282172',
      reason: 'customer',
      cancelledAt: new Date('2026-12-01T15:00:00Z'),
    });
    expect(shopifyCancellation(map(shopifyOrderPayload()))).toEqual({
      externalId: '5741306282172',
      reason: null,
      cancelledAt: null,
    });
  });

  test.each([
    ['not an object', 'nope', 'input'],
    ['no id', shopifyOrderPayload({ id: undefined }), 'id'],
    ['a created_at without offset', shopifyOrderPayload({ created_at: '2026-11-30 14:22:05' }), 'created_at'],
    ['a bad currency', shopifyOrderPayload({ currency: 'EURO' }), 'currency'],
    ['no line items', shopifyOrderPayload({ line_items: [] }), 'line_items'],
    [
      'a price that is not an amount',
      shopifyOrderPayload({ line_items: [{ name: 'x', quantity: 1, price: '1,95' }] }),
      'line_items.0.price',
    ],
    [
      'a fractional quantity',
      shopifyOrderPayload({ line_items: [{ name: 'x', quantity: 1.5, price: '1.95' }] }),
      'line_items.0.quantity',
    ],
  ])('rejects %s, naming the field', (_name, payload, field) => {
    let error: unknown;
    try {
      map(payload);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
  });
});

/** Test data shared by the mapping tests and the webhook API tests. */

/** An orders/create payload as Shopify sends it (API 2025-10), trimmed of fields Kanta ignores. */
// biome-ignore lint/suspicious/noExplicitAny: test data that each test reshapes freely
export function shopifyOrderPayload(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: 5741306282172,
    admin_graphql_api_id: 'gid://shopify/Order/5741306282172',
    name: '#1001',
    order_number: 1001,
    email: 'Jon.Snow@Example.com ',
    phone: null,
    created_at: '2026-11-30T14:22:05+02:00',
    processed_at: '2026-11-30T14:22:05+02:00',
    currency: 'EUR',
    presentment_currency: 'EUR',
    financial_status: 'paid',
    fulfillment_status: null,
    source_name: 'web',
    location_id: null,
    cancelled_at: null,
    cancel_reason: null,
    taxes_included: true,
    total_tax: '9.11',
    subtotal_price: '39.85',
    total_discounts: '5.00',
    total_price: '44.75',
    customer: {
      id: 7049374548156,
      email: 'Jon.Snow@Example.com',
      phone: '+358 40 123 4567',
      first_name: 'Jon',
      last_name: 'Snow',
      email_marketing_consent: {
        state: 'subscribed',
        opt_in_level: 'single_opt_in',
        consent_updated_at: '2026-10-01T09:00:00+02:00',
      },
      currency: 'EUR',
      default_address: { city: 'Helsinki', country_code: 'FI' },
    },
    discount_applications: [
      { type: 'discount_code', code: 'WELCOME5', value: '5.0', value_type: 'fixed_amount', target_selection: 'all' },
    ],
    line_items: [
      {
        id: 14587328692412,
        product_id: 632910392,
        variant_id: 808950810,
        sku: 'MUG-BLUE',
        name: 'Mug - Blue',
        title: 'Mug',
        variant_title: 'Blue',
        quantity: 2,
        price: '19.95',
        total_discount: '0.00',
        discount_allocations: [{ amount: '3.00', discount_application_index: 0 }],
      },
      {
        id: 14587328725180,
        sku: '',
        name: null,
        title: 'Gift wrap',
        variant_title: null,
        quantity: 1,
        price: '4.95',
        total_discount: '0.00',
        discount_allocations: [{ amount: '2.00', discount_application_index: 0 }],
      },
    ],
    shipping_lines: [
      { id: 4667271413948, title: 'Posti SmartPOST', code: 'posti', price: '4.90', discount_allocations: [] },
    ],
    ...overrides,
  };
}

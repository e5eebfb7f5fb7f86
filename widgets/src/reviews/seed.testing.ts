/** Test-only seeding for the review widgets against the real Kanta server. Never imported by the widgets. */
import { createKantaClient } from '../client.ts';
import { KantaSubmitReview } from '../generated/operations.ts';
import { KantaApi } from '../internal/api.ts';
import { createRealStore, type RealStore } from '../testing/real-kanta.ts';

export async function seedStore(name: string, products: { sku: string; name: string }[]): Promise<RealStore> {
  const store = await createRealStore(name);
  await store.admin('mutation($i: [ProductInput!]!) { upsertProducts(input: $i) { __typename } }', {
    i: products.map((product) => ({
      ...product,
      price: 1250,
      currency: 'EUR',
      url: `https://shop.example/${product.sku}`,
    })),
  });
  await store.admin(
    'mutation { updateFeedbackSettings(input: { autoPublish: ALL, reviewsPerDay: 100 }) { __typename } }',
  );
  return store;
}

let orderNumber = 0;
/** A sale of `skus` to the shopper with identity web:<ext> (creates the customer). */
export async function buy(store: RealStore, ext: string, skus: string[]): Promise<void> {
  const data = await store.admin(
    'mutation($i: [OrderInput!]!) { recordOrders(input: $i) { __typename ... on InvalidInputError { field message } } }',
    {
      i: [
        {
          externalId: `RV-${++orderNumber}-${ext}`,
          channel: 'ONLINE',
          currency: 'EUR',
          placedAt: new Date().toISOString(),
          customer: { identities: [{ source: 'web', externalId: ext }] },
          lines: skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: 1250 })),
        },
      ],
    },
  );
  if (data.recordOrders.__typename !== 'RecordOrdersPayload') throw new Error(JSON.stringify(data));
}

/** The shopper's API (publishable key + customer token), running persisted operations like a widget. */
export async function shopperApi(store: RealStore, ext: string): Promise<KantaApi> {
  const token = await store.token(`web:${ext}`);
  return new KantaApi(
    createKantaClient({ endpoint: store.endpoint, publishableKey: store.publishableKey, customerToken: token }),
  );
}

export interface SeedReview {
  sku: string;
  rating: number;
  body: string;
  title?: string;
  authorName?: string;
  photoUrls?: string[];
}

/** A review submitted by the shopper web:<ext> through the storefront's own mutation; returns its id. */
export async function writeReview(store: RealStore, ext: string, input: SeedReview): Promise<string> {
  const api = await shopperApi(store, ext);
  const data = await api.mutate<{ submitReview: { __typename: string; id?: string; message?: string } }>(
    KantaSubmitReview,
    { input },
  );
  if (data.submitReview.__typename !== 'Review') throw new Error(JSON.stringify(data.submitReview));
  return data.submitReview.id!;
}

export async function reply(store: RealStore, id: string, text: string): Promise<void> {
  const data = await store.admin(
    'mutation($id: ID!, $r: String) { replyToReview(id: $id, reply: $r) { __typename } }',
    {
      id,
      r: text,
    },
  );
  if (data.replyToReview.__typename !== 'Review') throw new Error(JSON.stringify(data));
}

import type { Prisma } from '../../generated/prisma/client.ts';
import { registerCustomerDataParticipant } from '../customers/customer-data.ts';
import { customerRecommendationData } from './tracking.service.ts';

type Tx = Prisma.TransactionClient;

/**
 * The recommendations section of a customer's data: the impressions and clicks reported while they
 * were signed in, and the order lines credited to their clicks. Exported with the profile, deleted on
 * erasure (their credits with them: a credit cannot outlive its click), moved to the kept customer on
 * a merge. Served lists themselves are never stored, so there is nothing else to cover.
 */

async function eraseRecommendationData(tx: Tx, storeId: string, customerId: string) {
  const attributions = (await tx.recommendationAttribution.deleteMany({ where: { storeId, event: { customerId } } }))
    .count;
  const events = (await tx.recommendationEvent.deleteMany({ where: { storeId, customerId } })).count;
  return { events, attributions };
}

async function mergeRecommendationData(tx: Tx, storeId: string, keptId: string, mergedId: string) {
  // The unique key (store, list, kind, sku) does not involve the customer, so moving cannot collide.
  const events = (
    await tx.recommendationEvent.updateMany({ where: { storeId, customerId: mergedId }, data: { customerId: keptId } })
  ).count;
  return { events };
}

registerCustomerDataParticipant({
  name: 'recommendations',
  export: customerRecommendationData,
  erase: eraseRecommendationData,
  merge: mergeRecommendationData,
});

import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { awaitArrival } from '../app/await-shipment.ts';
import { expireHold } from '../app/expire-hold.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const awaitInput = z.object({
  action: z.literal('await').default('await'),
  orderId: id,
  shipmentId: id,
  stage: z.enum(['delivery', 'collection']),
  taskToken: z.string().min(1),
});
const expireInput = z.object({ action: z.literal('expire-hold'), orderId: id, shipmentId: id });
const input = z.union([expireInput, awaitInput]);

/**
 * Callback step: waits for the carrier's DELIVERED, or the customer's collection at the store;
 * and, once the store's hold ran out, expires it.
 */
export const handler = stepHandler(
  input,
  async (step): Promise<object> =>
    step.action === 'expire-hold'
      ? expireHold(ports(), step.orderId, step.shipmentId)
      : awaitArrival(ports(), step.orderId, step.shipmentId, step.stage, step.taskToken),
);

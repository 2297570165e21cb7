import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { awaitArrival } from '../app/await-shipment.ts';
import { resolveIncident } from '../app/resolve-incident.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.discriminatedUnion('action', [
  z.object({ action: z.literal('resolve'), orderId: id, shipmentId: id }),
  z.object({ action: z.literal('await-return'), orderId: id, shipmentId: id, taskToken: z.string().min(1) }),
]);

/** The incident steps of a shipment: replace (or refund) a parcel that will not arrive, wait for one sent back. */
export const handler = stepHandler(input, async (step): Promise<object> => {
  switch (step.action) {
    case 'resolve':
      return resolveIncident(ports(), step.orderId, step.shipmentId);
    case 'await-return':
      return awaitArrival(ports(), step.orderId, step.shipmentId, 'return', step.taskToken);
  }
});

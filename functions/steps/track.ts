import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { awaitArrival } from '../app/await-shipment.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.object({
  orderId: id,
  shipmentId: id,
  stage: z.enum(['delivery', 'collection']),
  taskToken: z.string().min(1),
});

/** Callback step: waits for the carrier's DELIVERED, or the customer's collection at the store. */
export const handler = stepHandler(input, ({ orderId, shipmentId, stage, taskToken }) =>
  awaitArrival(ports(), orderId, shipmentId, stage, taskToken),
);

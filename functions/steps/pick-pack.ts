import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { awaitPick } from '../app/await-shipment.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.object({
  orderId: id,
  shipment: z.object({ shipmentId: id, locationId: id }).loose(),
  taskToken: z.string().min(1),
});

/** Callback step: the workflow waits, at no cost, for the location's confirm or reject (HTTP). */
export const handler = stepHandler(input, ({ orderId, shipment, taskToken }) =>
  awaitPick(ports(), orderId, shipment.shipmentId, taskToken),
);

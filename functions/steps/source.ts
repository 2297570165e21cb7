import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { resourceShipment } from '../app/resource-shipment.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id, workflowFailure } from '../shared/schemas.ts';

const input = z.object({ orderId: id, shipmentId: id, failure: workflowFailure.optional() });

/** A location rejected its shipment, never answered, or its step failed: its lines go elsewhere. */
export const handler = stepHandler(input, ({ orderId, shipmentId, failure }) =>
  resourceShipment(ports(), orderId, shipmentId, failure),
);

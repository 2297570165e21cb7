import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { dispatchShipment } from '../app/dispatch-shipment.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

const input = z.object({ orderId: id, shipmentId: id });

/** Hands a home parcel to its carrier (label, tracking number); says what the workflow awaits next. */
export const handler = stepHandler(input, ({ orderId, shipmentId }) =>
  dispatchShipment(ports(), orderId, shipmentId),
);

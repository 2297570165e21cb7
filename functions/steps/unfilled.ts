import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { reportUnfilled } from '../app/report-unfilled.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id, workflowFailure } from '../shared/schemas.ts';

const input = z.object({ orderId: id, shipmentId: id, failure: workflowFailure });

/** No location can ship a shipment's lines: they are released and reported unfilled, siblings untouched. */
export const handler = stepHandler(input, ({ orderId, shipmentId, failure }) =>
  reportUnfilled(ports(), orderId, shipmentId, failure),
);

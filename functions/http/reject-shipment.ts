import { ports } from '../adapters/aws-ports.ts';
import { rejectShipment } from '../app/answer-shipment.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, rejectBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(rejectBody, { shipmentId: id }), async (event) =>
  json(202, await rejectShipment(ports(), event.pathParameters.shipmentId, event.body.reason)),
);

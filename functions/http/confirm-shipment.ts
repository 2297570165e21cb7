import { ports } from '../adapters/aws-ports.ts';
import { confirmShipment } from '../app/answer-shipment.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, confirmBody, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(confirmBody, { shipmentId: id }), async (event) =>
  json(202, await confirmShipment(ports(), event.pathParameters.shipmentId, event.body.packages)),
);

import { ports } from '../adapters/aws-ports.ts';
import { collectShipment } from '../app/answer-shipment.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ shipmentId: id }, {}), async (event) =>
  json(202, await collectShipment(ports(), event.pathParameters.shipmentId)),
);

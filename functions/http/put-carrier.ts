import { ports } from '../adapters/aws-ports.ts';
import { putCarrier } from '../app/carriers.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, carrierBody, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(carrierBody, { carrierId: id }), async (event) =>
  json(200, await putCarrier(ports(), { carrierId: event.pathParameters.carrierId, ...event.body })),
);

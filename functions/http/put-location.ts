import { ports } from '../adapters/aws-ports.ts';
import { putLocation } from '../app/network.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, locationBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(locationBody, { locationId: id }), async (event) =>
  json(200, await putLocation(ports(), { locationId: event.pathParameters.locationId, ...event.body })),
);

import { ports } from '../adapters/aws-ports.ts';
import { locationById } from '../app/network.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ locationId: id }, {}), async (event) =>
  json(200, await locationById(ports(), event.pathParameters.locationId)),
);

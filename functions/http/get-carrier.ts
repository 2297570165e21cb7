import { ports } from '../adapters/aws-ports.ts';
import { carrierById } from '../app/carriers.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ carrierId: id }, {}), async (event) =>
  json(200, await carrierById(ports(), event.pathParameters.carrierId)),
);

import { ports } from '../adapters/aws-ports.ts';
import { supplyById } from '../app/supply.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ supplyId: id }, {}), async (event) =>
  json(200, await supplyById(ports(), event.pathParameters.supplyId)),
);

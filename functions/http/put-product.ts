import { ports } from '../adapters/aws-ports.ts';
import { putProduct } from '../app/network.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, productBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(productBody, { sku: id }), async (event) =>
  json(200, await putProduct(ports(), { sku: event.pathParameters.sku, ...event.body })),
);

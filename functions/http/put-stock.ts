import { ports } from '../adapters/aws-ports.ts';
import { countStock } from '../app/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, stockCountBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(stockCountBody, { locationId: id, sku: id }), async (event) =>
  json(200, await countStock(ports(), { ...event.pathParameters, ...event.body })),
);

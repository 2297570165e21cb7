import { ports } from '../adapters/aws-ports.ts';
import { inventoryOfSku } from '../app/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, channelQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ sku: id }, channelQuery), async (event) =>
  json(200, await inventoryOfSku(ports(), event.pathParameters.sku, event.queryStringParameters.channel)),
);

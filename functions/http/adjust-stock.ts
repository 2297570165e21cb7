import { ports } from '../adapters/aws-ports.ts';
import { adjustStock } from '../app/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { adjustmentBody, apiRequest } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(adjustmentBody, {}), async (event) =>
  json(200, await adjustStock(ports(), event.body)),
);

import { ports } from '../adapters/aws-ports.ts';
import { promiseDelivery } from '../app/promise-delivery.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, promiseBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(promiseBody, {}), async (event) =>
  json(200, await promiseDelivery(ports(), event.body)),
);

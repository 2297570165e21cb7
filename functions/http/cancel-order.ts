import { ports } from '../adapters/aws-ports.ts';
import { cancelOrder } from '../app/cancel-order.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, cancelBody, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(cancelBody, { orderId: id }), async (event) =>
  json(202, await cancelOrder(ports(), event.pathParameters.orderId, event.body.lines)),
);

import { ports } from '../adapters/aws-ports.ts';
import { orderById } from '../app/order-queries.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';
import { baseUrlOf, orderView } from '../shared/views.ts';

export const handler = httpRoute(apiQuery({ orderId: id }, {}), async (event) =>
  json(200, orderView(await orderById(ports(), event.pathParameters.orderId), baseUrlOf(event))),
);

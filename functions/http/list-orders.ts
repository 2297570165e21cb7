import { ports } from '../adapters/aws-ports.ts';
import { listOrders } from '../app/order-queries.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, ordersQuery } from '../shared/schemas.ts';
import { baseUrlOf, orderSummaryView } from '../shared/views.ts';

export const handler = httpRoute(apiQuery({}, ordersQuery), async (event) => {
  const page = await listOrders(ports(), event.queryStringParameters);
  const baseUrl = baseUrlOf(event);
  return json(200, { items: page.items.map((o) => orderSummaryView(o, baseUrl)), next: page.next });
});

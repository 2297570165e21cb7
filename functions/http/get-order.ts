import { requireOrder } from '../adapters/order-store.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';
import { baseUrlOf, orderView } from '../shared/views.ts';

export const handler = httpRoute(apiQuery({ orderId: id }, {}), async (event) => {
  const order = await requireOrder(event.pathParameters.orderId);
  return json(200, orderView(order, baseUrlOf(event)));
});

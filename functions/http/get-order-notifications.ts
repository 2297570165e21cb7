import { ports } from '../adapters/aws-ports.ts';
import { orderNotifications } from '../app/order-queries.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';
import { notificationView } from '../shared/views.ts';

export const handler = httpRoute(apiQuery({ orderId: id }, {}), async (event) => {
  const records = await orderNotifications(ports(), event.pathParameters.orderId);
  return json(200, { items: records.map(notificationView) });
});

import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { isOrdersPageCursor } from '../adapters/keys.ts';
import { listOrders } from '../app/order-queries.ts';
import { orderStatuses } from '../core/orders/types.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery } from '../shared/schemas.ts';
import { baseUrlOf, orderSummaryView } from '../shared/views.ts';

const query = {
  status: z.enum(orderStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  next: z.string().max(2048).refine(isOrdersPageCursor, 'is not a cursor this API returned').optional(),
};

export const handler = httpRoute(apiQuery({}, query), async (event) => {
  const page = await listOrders(ports(), event.queryStringParameters);
  const baseUrl = baseUrlOf(event);
  return json(200, { items: page.items.map((o) => orderSummaryView(o, baseUrl)), next: page.next });
});

import { z } from 'zod';
import { listOrders } from '../adapters/order-store.ts';
import { orderStatuses } from '../core/orders/types.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery } from '../shared/schemas.ts';
import { baseUrlOf, orderView } from '../shared/views.ts';

/** A page cursor is the index key where the previous page stopped; anything else is refused. */
const orderIndexKey = z.strictObject({
  PK: z.string().startsWith('ORDER#'),
  SK: z.literal('ORDER'),
  GSI1PK: z.literal('ORDERS'),
  GSI1SK: z.string().min(1),
});
const cursor = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      return orderIndexKey.safeParse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))).success;
    } catch {
      return false;
    }
  }, 'is not a cursor this API returned');

const query = {
  status: z.enum(orderStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  next: cursor.optional(),
};

export const handler = httpRoute(apiQuery({}, query), async (event) => {
  const page = await listOrders(event.queryStringParameters);
  const baseUrl = baseUrlOf(event);
  return json(200, { items: page.items.map((o) => orderView(o, baseUrl)), next: page.next });
});

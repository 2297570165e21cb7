import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { isOrdersPageCursor, ordersPageCursorPosition } from '../adapters/keys.ts';
import { exportOrderHistory } from '../app/analytics.ts';
import { ValidationFailed } from '../shared/errors.ts';
import { httpRoute } from '../shared/middleware.ts';
import { analyticsQuery } from '../shared/schemas.ts';

const query = {
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  cursor: z.string().max(2048).refine(isOrdersPageCursor, 'is not a cursor this API returned').optional(),
};

/** The order history of [from, to) as NDJSON, a page at a time: `Link: <…>; rel="next"` while more remain. */
export const handler = httpRoute(analyticsQuery(query), async (event) => {
  const { from, to, limit, cursor } = event.queryStringParameters;
  if (cursor) {
    const at = ordersPageCursorPosition(cursor);
    if (at < from || at > to)
      throw new ValidationFailed('the cursor belongs to another period', {
        errors: [{ field: 'queryStringParameters.cursor', message: 'belongs to another period' }],
      });
  }
  const page = await exportOrderHistory(ports(), { from, to, limit, cursor });
  const nextUrl = page.next
    ? `${event.rawPath}?${new URLSearchParams({ from, to, limit: String(limit), cursor: page.next })}`
    : undefined;
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/x-ndjson',
      'x-relais-count': String(page.count),
      ...(nextUrl ? { link: `<${nextUrl}>; rel="next"`, 'x-relais-next-cursor': page.next as string } : {}),
    },
    body: page.ndjson,
  };
});

import { requireReturn } from '../adapters/return-store.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ returnId: id }, {}), async (event) => {
  const r = await requireReturn(event.pathParameters.returnId);
  return json(200, {
    returnId: r.returnId,
    orderId: r.orderId,
    status: r.status,
    lines: r.lines,
    carrierId: r.carrierId,
    trackingNumber: r.trackingNumber,
    restockLocationId: r.restockLocationId,
    grade: r.grade,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  });
});

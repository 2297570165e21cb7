import { getLocation } from '../adapters/network-store.ts';
import { requireStockReferences } from '../adapters/references.ts';
import { putSupply } from '../adapters/supply-store.ts';
import { UnknownReference } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, supplyBody } from '../shared/schemas.ts';

/** Records an inbound transfer or a purchase order: idempotent by id, a changed body updates it. */
export const handler = httpRoute(apiRequest(supplyBody, { supplyId: id }), async (event) => {
  const { supplyId } = event.pathParameters;
  const { locationId, sku, fromLocationId } = event.body;
  const [, origin] = await Promise.all([
    requireStockReferences(locationId, sku),
    fromLocationId === undefined ? undefined : getLocation(fromLocationId),
  ]);
  if (fromLocationId !== undefined && !origin)
    throw new UnknownReference(`location ${fromLocationId} does not exist`, {
      errors: [{ field: 'fromLocationId', message: 'unknown location' }],
    });
  const { supply } = await putSupply(supplyId, event.body);
  return json(200, supply);
});

import { event as domainEvent, publish } from '../adapters/events.ts';
import { adjustStock } from '../adapters/inventory-store.ts';
import { requireStockReferences } from '../adapters/references.ts';
import { publicStock } from '../core/inventory/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { adjustmentBody, apiRequest } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(adjustmentBody, {}), async (event) => {
  await requireStockReferences(event.body.locationId, event.body.sku);
  const { row, replayed } = await adjustStock(event.body);
  const view = publicStock(row);
  if (!replayed)
    await publish([
      domainEvent('StockChanged.v1', { ...view, reason: event.body.reason, at: new Date().toISOString() }),
    ]);
  return json(200, view);
});

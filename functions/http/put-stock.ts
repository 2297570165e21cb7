import { event as domainEvent, publish } from '../adapters/events.ts';
import { putCount } from '../adapters/inventory-store.ts';
import { requireStockReferences } from '../adapters/references.ts';
import { publicStock } from '../core/inventory/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, stockCountBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(stockCountBody, { locationId: id, sku: id }), async (event) => {
  const { locationId, sku } = event.pathParameters;
  await requireStockReferences(locationId, sku);
  const row = await putCount({ locationId, sku, ...event.body });
  const view = publicStock(row);
  await publish([domainEvent('StockChanged.v1', { ...view, reason: 'count', at: new Date().toISOString() })]);
  return json(200, view);
});

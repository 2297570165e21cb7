import { event as domainEvent, publish } from '../adapters/events.ts';
import { receiveSupply } from '../adapters/supply-store.ts';
import { publicStock } from '../core/inventory/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The expected units arrived: on hand grows once; a second receipt of the same supply is a 409. */
export const handler = httpRoute(apiQuery({ supplyId: id }, {}), async (event) => {
  const { supply, stock } = await receiveSupply(event.pathParameters.supplyId);
  const view = publicStock(stock);
  await publish([
    domainEvent('StockChanged.v1', {
      ...view,
      reason: 'supply received',
      at: supply.receivedAt ?? new Date().toISOString(),
    }),
  ]);
  return json(200, { ...supply, stock: view });
});

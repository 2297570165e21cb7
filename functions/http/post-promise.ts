import { getProducts } from '../adapters/network-store.ts';
import { sourcingRequestFor } from '../adapters/sourcing-inputs.ts';
import { promiseOptions } from '../core/promise/promise.ts';
import { sourceNearest } from '../core/sourcing/nearest.ts';
import { UnknownReference } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, promiseBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(promiseBody, {}), async (event) => {
  const { lines, delivery } = event.body;
  const at = event.body.at ? new Date(event.body.at) : new Date();
  const known = await getProducts(lines.map((l) => l.sku));
  const unknown = lines.filter((l) => !known.has(l.sku));
  if (unknown.length > 0)
    throw new UnknownReference(`unknown SKUs: ${unknown.map((l) => l.sku).join(', ')}`, {
      errors: unknown.map((l) => ({ field: 'lines.sku', message: `${l.sku} is not a known product` })),
    });
  const result = sourceNearest(await sourcingRequestFor(lines, delivery, { at }));
  return json(200, { options: result.ok ? promiseOptions(delivery.mode, result.shipments, at) : [] });
});

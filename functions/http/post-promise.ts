import { requireOrderReferences } from '../adapters/references.ts';
import { sourcingRequestFor } from '../adapters/sourcing-inputs.ts';
import { promiseOptions } from '../core/promise/promise.ts';
import { sourceNearest } from '../core/sourcing/nearest.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, promiseBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(promiseBody, {}), async (event) => {
  const { lines, delivery } = event.body;
  const at = event.body.at ? new Date(event.body.at) : new Date();
  await requireOrderReferences(lines, delivery);
  const result = sourceNearest(await sourcingRequestFor(lines, delivery, { at }));
  return json(200, { options: result.ok ? promiseOptions(delivery.mode, result.shipments, at) : [] });
});

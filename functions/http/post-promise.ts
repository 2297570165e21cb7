import { requireOrderReferences } from '../adapters/references.ts';
import { sourcingRequestFor } from '../adapters/sourcing-inputs.ts';
import { promiseOptions } from '../core/promise/promise.ts';
import { sourceOptimal } from '../core/sourcing/optimal.ts';
import { sourcingProfileFor } from '../core/sourcing/profiles.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, promiseBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(promiseBody, {}), async (event) => {
  const { lines, delivery } = event.body;
  const at = event.body.at ? new Date(event.body.at) : new Date();
  await requireOrderReferences(lines, delivery);
  // the same sourcing as the order will get, so the promised locations are the ones that will ship
  const result = sourceOptimal(
    await sourcingRequestFor(lines, delivery, { at }),
    sourcingProfileFor(undefined),
  );
  return json(200, { options: result.ok ? promiseOptions(delivery.mode, result.shipments, at) : [] });
});

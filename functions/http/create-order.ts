import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { ports, resourcesFromEnvironment } from '../adapters/aws-ports.ts';
import { oncePerKey } from '../adapters/idempotency.ts';
import { ensureFulfilment, receiveOrder } from '../app/receive-order.ts';
import { ValidationFailed } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, orderBody } from '../shared/schemas.ts';

const receiveOnce = oncePerKey(
  () => resourcesFromEnvironment.tables.idempotency,
  (body: z.infer<typeof orderBody>) => receiveOrder(ports(), body, randomUUID),
  { onReplay: (result) => ensureFulfilment(ports(), result.orderId) },
);

/** POST /orders: one order per Idempotency-Key, its workflow started, 202 with its id. */
export const handler = httpRoute(apiRequest(orderBody, {}), async (event, context) => {
  const key = event.headers['idempotency-key'];
  if (!key || key.length > 255)
    throw new ValidationFailed('the Idempotency-Key header is required (1 to 255 characters)', {
      errors: [{ field: 'Idempotency-Key', message: 'missing or too long' }],
    });
  return json(202, await receiveOnce(key, event.body, context));
});

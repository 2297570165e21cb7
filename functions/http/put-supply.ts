import { ports } from '../adapters/aws-ports.ts';
import { recordSupply } from '../app/supply.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, supplyBody } from '../shared/schemas.ts';

/** Records an inbound transfer or a purchase order: idempotent by id, a changed body updates it. */
export const handler = httpRoute(apiRequest(supplyBody, { supplyId: id }), async (event) =>
  json(200, await recordSupply(ports(), event.pathParameters.supplyId, event.body)),
);

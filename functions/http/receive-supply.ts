import { ports } from '../adapters/aws-ports.ts';
import { receiveSupply } from '../app/supply.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

/** The expected units arrived: on hand grows once; a second receipt of the same supply is a 409. */
export const handler = httpRoute(apiQuery({ supplyId: id }, {}), async (event) =>
  json(200, await receiveSupply(ports(), event.pathParameters.supplyId)),
);

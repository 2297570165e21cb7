import { getSupply } from '../adapters/supply-store.ts';
import { NotFound } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ supplyId: id }, {}), async (event) => {
  const supply = await getSupply(event.pathParameters.supplyId);
  if (!supply) throw new NotFound(`supply ${event.pathParameters.supplyId} does not exist`);
  return json(200, supply);
});

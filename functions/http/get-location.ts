import { getLocation } from '../adapters/network-store.ts';
import { NotFound } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ locationId: id }, {}), async (event) => {
  const location = await getLocation(event.pathParameters.locationId);
  if (!location) throw new NotFound(`location ${event.pathParameters.locationId} does not exist`);
  return json(200, location);
});

import { listLocations } from '../adapters/network-store.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({}, {}), async () => {
  const locations = await listLocations();
  return json(200, { items: locations.sort((a, b) => a.locationId.localeCompare(b.locationId)) });
});

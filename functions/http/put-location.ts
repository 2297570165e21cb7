import { putLocation } from '../adapters/network-store.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, id, locationBody } from '../shared/schemas.ts';

export const handler = httpRoute(apiRequest(locationBody, { locationId: id }), async (event) => {
  const location = await putLocation({ locationId: event.pathParameters.locationId, ...event.body });
  return json(200, location);
});

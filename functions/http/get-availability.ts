import { ports } from '../adapters/aws-ports.ts';
import { availabilityNear } from '../app/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, availabilityQuery } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({}, availabilityQuery), async (event) => {
  const { skus, lat, lon, channel } = event.queryStringParameters;
  const origin = lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
  return json(200, await availabilityNear(ports(), { skus, origin, channel }));
});

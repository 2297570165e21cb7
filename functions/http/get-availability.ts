import { z } from 'zod';
import { ports } from '../adapters/aws-ports.ts';
import { availabilityNear } from '../app/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, channelQuery, id } from '../shared/schemas.ts';

const skuList = z
  .string()
  .transform((s) => s.split(',').filter(Boolean))
  .pipe(z.array(id).min(1).max(50));

const query = {
  skus: skuList,
  lat: z.coerce.number().min(-90).max(90).optional(),
  lon: z.coerce.number().min(-180).max(180).optional(),
  /** with a channel, net of what each location holds back from it */
  ...channelQuery,
};

export const handler = httpRoute(apiQuery({}, query), async (event) => {
  const { skus, lat, lon, channel } = event.queryStringParameters;
  const origin = lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
  return json(200, await availabilityNear(ports(), { skus, origin, channel }));
});

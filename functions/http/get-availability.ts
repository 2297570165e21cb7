import { z } from 'zod';
import { stockOfSku } from '../adapters/inventory-store.ts';
import { listLocations } from '../adapters/network-store.ts';
import { availableForChannel, channelAts } from '../core/inventory/channels.ts';
import { networkAts } from '../core/inventory/stock.ts';
import { distanceKm } from '../core/network.ts';
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

const nearbyLimit = 10;

export const handler = httpRoute(apiQuery({}, query), async (event) => {
  const { skus, lat, lon, channel } = event.queryStringParameters;
  const origin = lat !== undefined && lon !== undefined ? { lat, lon } : undefined;
  const locations = new Map((await listLocations()).map((l) => [l.locationId, l]));
  const items = await Promise.all(
    skus.map(async (sku) => {
      const rows = await stockOfSku(sku);
      const sellable = (r: (typeof rows)[number]) =>
        channel ? availableForChannel(r, channel) : r.available;
      const nearby = rows
        .filter((r) => sellable(r) > 0 && locations.has(r.locationId))
        .map((r) => {
          const location = locations.get(r.locationId);
          const distance = origin && location ? Math.round(distanceKm(origin, location) * 10) / 10 : null;
          return { locationId: r.locationId, available: sellable(r), distanceKm: distance };
        })
        .sort((a, b) => (a.distanceKm ?? 0) - (b.distanceKm ?? 0) || b.available - a.available)
        .slice(0, nearbyLimit);
      return { sku, ats: channel ? channelAts(rows, channel) : networkAts(rows), nearby };
    }),
  );
  return json(200, { items });
});

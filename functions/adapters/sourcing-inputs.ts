import { capacityDay } from '../core/inventory/capacity.ts';
import type { GeoPoint } from '../core/network.ts';
import { groupOrderLines } from '../core/orders/lines.ts';
import type { Channel, Delivery, OrderLine } from '../core/orders/types.ts';
import type { SourcingRequest } from '../core/sourcing/types.ts';
import { capacityLeft as capacityLeftOn } from './capacity-store.ts';
import { availabilityOf } from './inventory-store.ts';
import { getProducts, listLocations } from './network-store.ts';

/** Everything sourcing needs to know about the network for these lines, read in parallel. */
export async function sourcingRequestFor(
  lines: OrderLine[],
  delivery: Delivery,
  options: { excluded?: string[] | undefined; at?: Date; channel?: Channel | undefined } = {},
): Promise<SourcingRequest> {
  const at = options.at ?? new Date();
  const products = await getProducts(lines.map((l) => l.sku));
  const groups = groupOrderLines(lines, products);
  const components = await getProducts(groups.flatMap((g) => g.lines.map((l) => l.sku)));
  for (const [sku, product] of components) products.set(sku, product);
  const [locations, available] = await Promise.all([
    listLocations(),
    availabilityOf(
      groups.flatMap((g) => g.lines.map((l) => l.sku)),
      options.channel,
    ),
  ]);
  const limited = locations.filter((l) => l.dailyCapacity !== undefined);
  const capacityLeft = await capacityLeftOn(
    limited.map((l) => l.locationId),
    capacityDay(at),
    limited,
  );
  const store = delivery.storeId ? locations.find((l) => l.locationId === delivery.storeId) : undefined;
  const destination: GeoPoint | undefined =
    delivery.address?.lat !== undefined && delivery.address.lon !== undefined
      ? { lat: delivery.address.lat, lon: delivery.address.lon }
      : store;
  return {
    groups,
    mode: delivery.mode,
    storeId: delivery.storeId,
    destination: destination ? { lat: destination.lat, lon: destination.lon } : undefined,
    locations,
    products,
    available,
    excluded: new Set(options.excluded ?? []),
    at,
    capacityLeft,
  };
}

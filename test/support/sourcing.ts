import type { GeoPoint, Location, Product } from '../../functions/core/network.ts';
import { groupOrderLines } from '../../functions/core/orders/lines.ts';
import type { OrderLine } from '../../functions/core/orders/types.ts';
import type { SourcingRequest } from '../../functions/core/sourcing/types.ts';

/** Places around Paris and beyond, for sourcing tests with known distances. */
export const places = {
  paris: { lat: 48.8566, lon: 2.3522 },
  montreuil: { lat: 48.8638, lon: 2.4485 }, // ~7 km from Paris
  vincennes: { lat: 48.8474, lon: 2.4392 }, // ~6 km
  orleans: { lat: 47.9029, lon: 1.9093 }, // ~110 km
  lyon: { lat: 45.764, lon: 4.8357 }, // ~390 km
} satisfies Record<string, GeoPoint>;

/** Units available by location, then SKU. */
export type Stock = Record<string, Record<string, number>>;

export function warehouse(locationId: string, point: GeoPoint, extra: Partial<Location> = {}): Location {
  return { locationId, name: locationId, type: 'warehouse', ...point, capabilities: ['ship'], ...extra };
}

/** A request builder over one catalogue: home delivery to `destination` at `at` unless `extra` says otherwise. */
export function sourcingRequests(catalogue: Product[], defaults: { destination: GeoPoint; at: Date }) {
  const products: ReadonlyMap<string, Product> = new Map(catalogue.map((p) => [p.sku, p]));
  const request = (
    lines: OrderLine[],
    locations: Location[],
    stock: Stock,
    extra: Partial<SourcingRequest> = {},
  ): SourcingRequest => ({
    groups: groupOrderLines(lines, products),
    mode: 'home',
    destination: defaults.destination,
    locations,
    products,
    available: new Map(Object.entries(stock).map(([id, skus]) => [id, new Map(Object.entries(skus))])),
    excluded: new Set(),
    at: defaults.at,
    ...extra,
  });
  return { products, request };
}

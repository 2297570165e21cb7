import { builtInCarriers, type Carrier, type Zone, zones } from '../../functions/core/carriers/carriers.ts';
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

/**
 * A carrier of one service (standard unless told) whose parcel costs `price` in every zone (or the
 * zone's own price) up to `maxWeightKg`, with no CO2 unless `co2KgPerTonneKm` says otherwise: a test
 * sets the one carrier term it looks at.
 */
export function flatCarrier(
  carrierId: string,
  price: number | Partial<Record<Zone, number>>,
  extra: Partial<Pick<Carrier, 'coverage'>> & {
    maxWeightKg?: number;
    co2KgPerTonneKm?: number;
    service?: 'standard' | 'express' | 'same_day';
  } = {},
): Carrier {
  const maxWeightKg = extra.maxWeightKg ?? 1000;
  const priceIn = (zone: Zone) => (typeof price === 'number' ? price : price[zone]);
  return {
    carrierId,
    name: carrierId,
    services: [
      {
        service: extra.service ?? 'standard',
        transitDays: { p50: 2, p90: 3 },
        maxWeightKg,
        rates: zones.flatMap((zone) => {
          const rate = priceIn(zone);
          return rate === undefined ? [] : [{ zone, maxKg: maxWeightKg, price: rate }];
        }),
        co2KgPerTonneKm: extra.co2KgPerTonneKm ?? 0,
        factorSource: 'test figure',
      },
    ],
    coverage: extra.coverage,
  };
}

/** Parcels cost nothing and emit nothing: for tests of the terms that are not the carrier's. */
export const freeCarrier = flatCarrier('free', 0);

/**
 * A request builder over one catalogue: home delivery to `destination` at `at`, priced by the
 * built-in carriers (or `carriers`), unless `extra` says otherwise.
 */
export function sourcingRequests(
  catalogue: Product[],
  defaults: { destination: GeoPoint; at: Date; carriers?: readonly Carrier[] },
) {
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
    carriers: defaults.carriers ?? builtInCarriers,
    locations,
    products,
    available: new Map(Object.entries(stock).map(([id, skus]) => [id, new Map(Object.entries(skus))])),
    excluded: new Set(),
    at: defaults.at,
    ...extra,
  });
  return { products, request };
}

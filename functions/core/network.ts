export const locationTypes = ['warehouse', 'store', 'supplier'] as const;
export const capabilities = ['ship', 'click_collect', 'e_reservation'] as const;
export const handlingKinds = ['hazmat', 'oversize', 'cold'] as const;

export type LocationType = (typeof locationTypes)[number];
export type Capability = (typeof capabilities)[number];
export type HandlingKind = (typeof handlingKinds)[number];

export interface Location {
  locationId: string;
  name: string;
  type: LocationType;
  lat: number;
  lon: number;
  postcode?: string | undefined;
  capabilities: Capability[];
  handlingCost?: number | undefined;
  storageCostPerUnitDay?: number | undefined;
  dailyCapacity?: number | undefined;
  priority?: number | undefined;
  performance?: number | undefined;
  handling?: HandlingKind[] | undefined;
  /** "HH:MM" Europe/Paris: an order after it is prepared from the next opening day (default 14:00) */
  cutoffTime?: string | undefined;
  /** opening days it prepares on after the order day (default 0: ready the day it is ordered) */
  preparationDays?: number | undefined;
  /** ISO weekdays (1 Monday … 7 Sunday) it prepares and hands over parcels (default Monday–Saturday) */
  openingDays?: number[] | undefined;
  downtime?: { from: string; to: string }[] | undefined;
  /** minutes a ready click & collect or e-reservation parcel is kept for the customer (see orders/holds.ts) */
  holdMinutes?: number | undefined;
  /** whether returned units may be restocked here (default: warehouses and stores, not suppliers) */
  acceptsReturns?: boolean | undefined;
}

export interface KitComponent {
  sku: string;
  quantity: number;
}

export interface Product {
  sku: string;
  name: string;
  weightKg: number;
  handling?: HandlingKind[] | undefined;
  kit?: KitComponent[] | undefined;
  endOfSeries?: boolean | undefined;
  /** YYYY-MM-DD (Paris): before it, orders for the product are preorders */
  releaseDate?: string | undefined;
  /** the product type channel allocation rules may select */
  category?: string | undefined;
}

export interface GeoPoint {
  lat: number;
  lon: number;
}

const earthRadiusKm = 6371.0088;

/** Great-circle distance in km (haversine). */
export function distanceKm(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function isInDowntime(location: Pick<Location, 'downtime'>, at: Date): boolean {
  const t = at.getTime();
  return (location.downtime ?? []).some((w) => Date.parse(w.from) <= t && t < Date.parse(w.to));
}

/** A kit holds no stock of its own: its components do, and are reserved together. */
export function holdsStock(product: Pick<Product, 'kit'>): boolean {
  return !product.kit?.length;
}

/** Why a kit definition is refused: it contains itself, an unknown product, or another kit. */
export function kitProblems(
  sku: string,
  kit: readonly KitComponent[],
  components: ReadonlyMap<string, Pick<Product, 'kit'>>,
): { unknown: string[]; invalid?: string } {
  if (kit.some((c) => c.sku === sku)) return { unknown: [], invalid: 'contains the kit itself' };
  const unknown = kit.filter((c) => !components.has(c.sku)).map((c) => c.sku);
  if (unknown.length > 0) return { unknown };
  if ([...components.values()].some((c) => !holdsStock(c))) return { unknown: [], invalid: 'nested kit' };
  return { unknown: [] };
}

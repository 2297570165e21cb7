import type { GeoPoint, Location, Product } from '../network.ts';
import type { LineGroup } from '../orders/lines.ts';
import type { DeliveryMode, StockLine } from '../orders/types.ts';

export interface SourcingRequest {
  groups: LineGroup[];
  mode: DeliveryMode;
  /** the store for click & collect and e-reservation */
  storeId?: string | undefined;
  destination?: GeoPoint | undefined;
  locations: Location[];
  products: ReadonlyMap<string, Product>;
  /** units available to promise, by location then SKU */
  available: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** locations that already rejected or failed this order */
  excluded: ReadonlySet<string>;
  at: Date;
  /** shipments each location can still prepare today; a location missing here is not limited */
  capacityLeft?: ReadonlyMap<string, number> | undefined;
}

export interface PlannedShipment {
  locationId: string;
  lines: StockLine[];
  distanceKm: number;
  weightKg: number;
  cost: number;
}

export interface Exclusion {
  locationId: string;
  rule: string;
  detail?: string;
  /** set when the rule excludes the location for this SKU only (special handling) */
  sku?: string;
}

export interface SourcingExplanation {
  strategy: string;
  destination?: GeoPoint | undefined;
  candidates: number;
  excluded: Exclusion[];
  chosen: { locationId: string; distanceKm: number; skus: string[]; cost: number }[];
  costTerms: { shipping: number; parcels: number; handling: number };
  unfilled?: { sku: string; quantity: number }[];
}

export type SourcingResult =
  | { ok: true; shipments: PlannedShipment[]; cost: number; explanation: SourcingExplanation }
  | { ok: false; reason: string; explanation: SourcingExplanation };

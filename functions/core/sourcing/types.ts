import type { Carrier } from '../carriers/carriers.ts';
import type { GeoPoint, Location, Product } from '../network.ts';
import type { LineGroup } from '../orders/lines.ts';
import type { DeliveryMode, Service, StockLine } from '../orders/types.ts';

export interface SourcingRequest {
  groups: LineGroup[];
  mode: DeliveryMode;
  /** the store for click & collect and e-reservation */
  storeId?: string | undefined;
  destination?: GeoPoint | undefined;
  /** the delivery address's postcode, for carrier coverage; absent: every carrier covers it */
  postcode?: string | undefined;
  /** the carriers in force (`carriersInForce`): a home-delivery parcel is priced by their rate cards */
  carriers: readonly Carrier[];
  /** the order's delivery service; absent: standard */
  service?: Service | undefined;
  locations: Location[];
  products: ReadonlyMap<string, Product>;
  /** units available to promise, by location then SKU */
  available: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** locations that already rejected or failed this order */
  excluded: ReadonlySet<string>;
  at: Date;
  /** shipments each location can still prepare today; a location missing here is not limited */
  capacityLeft?: ReadonlyMap<string, number> | undefined;
  /**
   * for a location whose slots for today are all taken: the first later day it has one, and how
   * many carrier days later that is; such a location ships that day instead of being excluded
   */
  laterCapacity?: ReadonlyMap<string, LaterCapacity> | undefined;
}

export interface LaterCapacity {
  /** YYYY-MM-DD */
  day: string;
  daysLate: number;
}

/** The carrier offer a planned parcel was priced with (`cheapestOffer`); what dispatch starts from. */
export interface AssumedCarrier {
  carrierId: string;
  service: Service;
  /** the rate card's price of the parcel, EUR */
  price: number;
  co2Kg: number;
}

export interface PlannedShipment {
  locationId: string;
  lines: StockLine[];
  distanceKm: number;
  weightKg: number;
  /** the shipment's share of the plan's cost, EUR */
  cost: number;
  /** absent for click & collect and e-reservation: the store itself hands the goods over */
  carrier?: AssumedCarrier | undefined;
  /** the later day whose preparation slot it takes, when the location's slots for today are taken */
  capacityDay?: string | undefined;
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
  chosen: {
    locationId: string;
    distanceKm: number;
    skus: string[];
    cost: number;
    carrier?: AssumedCarrier | undefined;
  }[];
  costTerms: { carrierPrice: number; co2: number; handling: number };
  unfilled?: { sku: string; quantity: number }[];
}

export type SourcingResult =
  | { ok: true; shipments: PlannedShipment[]; cost: number; explanation: SourcingExplanation }
  | { ok: false; reason: string; explanation: SourcingExplanation };

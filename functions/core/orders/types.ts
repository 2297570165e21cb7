import type { CarrierStatus, TrackingReason } from '../carriers/tracking.ts';
import type { Backorder } from '../inventory/backorders.ts';

export const channels = ['web', 'store', 'marketplace', 'callcenter'] as const;
export const deliveryModes = ['home', 'click_collect', 'e_reservation'] as const;
export const services = ['standard', 'express', 'same_day'] as const;

export const orderStatuses = [
  'RECEIVED',
  'REJECTED',
  'BACKORDERED',
  'ALLOCATED',
  'IN_FULFILLMENT',
  'SHIPPED',
  'DELIVERED',
  'READY_FOR_PICKUP',
  'COLLECTED',
  'CANCELLED',
] as const;

export const shipmentStatuses = [
  'ALLOCATED',
  'PACKED',
  'DISPATCHED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'AVAILABLE_FOR_PICKUP',
  'DELIVERED',
  'DELIVERY_FAILED',
  'EXCEPTION',
  'LOST',
  'RETURNED_TO_SENDER',
  'READY_FOR_PICKUP',
  'COLLECTED',
  'CANCELLED',
] as const;

/** What went wrong with a parcel on its way (DESIGN.md section 6.1, incidents). */
export const incidentKinds = ['lost', 'damaged', 'failed_attempts', 'returned_to_sender', 'overdue'] as const;
export const incidentResolutions = ['reshipped', 'refunded', 'returning'] as const;

export type IncidentKind = (typeof incidentKinds)[number];
export type IncidentResolution = (typeof incidentResolutions)[number];
export type Channel = (typeof channels)[number];
export type DeliveryMode = (typeof deliveryModes)[number];
export type Service = (typeof services)[number];
export type OrderStatus = (typeof orderStatuses)[number];
export type ShipmentStatus = (typeof shipmentStatuses)[number];

export interface Address {
  line1: string;
  postcode: string;
  city: string;
  country: string;
  lat?: number | undefined;
  lon?: number | undefined;
}

export interface Delivery {
  mode: DeliveryMode;
  address?: Address | undefined;
  storeId?: string | undefined;
  service?: Service | undefined;
}

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice?: number | undefined;
}

/** A quantity of one stock-keeping SKU: kits are already expanded into their components here. */
export interface StockLine {
  sku: string;
  quantity: number;
}

/** Whether a shipment's units are still held against the location's stock. */
export type ReservationState = 'none' | 'held' | 'consumed' | 'released';

/** One carrier event on a shipment's timeline (the eventId is kept to apply each event once). */
export interface TrackingEntry {
  eventId: string;
  status: CarrierStatus;
  reason?: TrackingReason | undefined;
  rawCode?: string | undefined;
  occurredAt: string;
  receivedAt: string;
}

/** What happened to a parcel on its way and how Relais resolved it (DESIGN.md section 6.1). */
export interface Incident {
  shipmentId: string;
  kind: IncidentKind;
  at: string;
  resolution: IncidentResolution;
  replacementShipmentId?: string | undefined;
}

export interface Shipment {
  shipmentId: string;
  locationId: string;
  status: ShipmentStatus;
  mode: DeliveryMode;
  lines: StockLine[];
  reservation: ReservationState;
  carrierId?: string | undefined;
  trackingNumber?: string | undefined;
  labelKey?: string | undefined;
  promisedDate?: string | undefined;
  packages?: { weightKg: number }[] | undefined;
  rejection?: { reason: string } | undefined;
  /** the shipment that took over this one's lines when it was re-sourced */
  replacedBy?: string | undefined;
  /** the day whose preparation slot this shipment holds at a location with a daily capacity */
  capacityDay?: string | undefined;
  /** the carrier's events, oldest first by occurredAt */
  events?: TrackingEntry[] | undefined;
  /** failed delivery attempts so far */
  attempts?: number | undefined;
  /** the incident the carrier reported, before (and after) the workflow resolves it */
  incidentKind?: IncidentKind | undefined;
  /** why this carrier and service at dispatch, and what else was possible */
  carrierChoice?: CarrierChoiceRecord | undefined;
  /** the day whose slot this shipment holds with its carrier (carrier daily capacity) */
  carrierCapacityDay?: string | undefined;
  /** click & collect served from elsewhere: the store this shipment travels to, where it is collected */
  transferTo?: string | undefined;
  /** until when a parcel ready at the store is kept for the customer (set when it becomes READY_FOR_PICKUP) */
  holdUntil?: string | undefined;
  /** units the customer cancelled out of this shipment before it left (all of them when it is CANCELLED so) */
  cancelledLines?: StockLine[] | undefined;
}

export interface CarrierAlternative {
  carrierId: string;
  service: Service;
  cost: number;
  co2Kg: number;
  deliveryDate: string;
}

export interface CarrierChoiceRecord {
  reason: string;
  alternatives: CarrierAlternative[];
  /** the offer taken: its rate-card price and CO2 are the parcel's cost (absent on parcels dispatched before it was kept) */
  chosen?: CarrierAlternative | undefined;
}

/** What the customer was promised when the order was received (DESIGN.md section 6.1). */
export interface OrderPromise {
  service: Service;
  earliestDate: string;
  latestDate: string;
  carrierId?: string | undefined;
}

export interface HistoryEntry {
  status: OrderStatus | ShipmentStatus;
  at: string;
  detail?: string | undefined;
}

export interface SourcingRecord {
  cost: number;
  explanation: unknown;
  attempts: number;
  excludedLocations: string[];
}

export interface Order {
  orderId: string;
  status: OrderStatus;
  channel: Channel;
  customer: { id: string; email?: string | undefined };
  delivery: Delivery;
  lines: OrderLine[];
  shipments: Shipment[];
  sourcing?: SourcingRecord | undefined;
  promise?: OrderPromise | undefined;
  history: HistoryEntry[];
  rejection?: { reason: string } | undefined;
  incidents?: Incident[] | undefined;
  cancelRequested?: boolean | undefined;
  /** what a BACKORDERED order waits for (expected supply, a release date) */
  backorder?: Backorder | undefined;
  /** why the order was cancelled: by the customer, or a hold that expired */
  cancellation?: { reason: string } | undefined;
  /** units of the order's lines cancelled before they left (a partial cancellation), by order SKU */
  cancelledLines?: StockLine[] | undefined;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/**
 * Expected supply: units on their way to a location (an inbound transfer, a purchase order) with
 * the date they should arrive. It is not stock: nothing can be reserved against it until it is
 * received; backorders and preorders read it to promise a later date.
 */
export const supplyKinds = ['transfer', 'purchase_order'] as const;
export type SupplyKind = (typeof supplyKinds)[number];

export type SupplyStatus = 'expected' | 'received';

/** What a client sends for a supply id. */
export interface SupplyRequest {
  locationId: string;
  sku: string;
  quantity: number;
  expectedAt: string;
  kind: SupplyKind;
  fromLocationId?: string | undefined;
}

export interface Supply extends SupplyRequest {
  supplyId: string;
  status: SupplyStatus;
  receivedAt?: string | undefined;
}

/** One expected arrival as `GET /inventory/{sku}` lists it. */
export interface ExpectedArrival {
  supplyId: string;
  locationId: string;
  quantity: number;
  expectedAt: string;
  kind: SupplyKind;
  fromLocationId?: string | undefined;
}

/**
 * The request in its canonical form: `expectedAt` as a UTC instant, so that the same moment written
 * with another offset is the same supply, and so that arrivals sort by date as plain strings.
 */
export function canonicalSupply(supplyId: string, request: SupplyRequest): Supply {
  return {
    supplyId,
    locationId: request.locationId,
    sku: request.sku,
    quantity: request.quantity,
    expectedAt: new Date(request.expectedAt).toISOString(),
    kind: request.kind,
    ...(request.fromLocationId === undefined ? {} : { fromLocationId: request.fromLocationId }),
    status: 'expected',
  };
}

/** True when `next` asks for exactly what is stored: a replay, which changes nothing. */
export function isSameSupply(stored: SupplyRequest, next: SupplyRequest): boolean {
  return (
    stored.locationId === next.locationId &&
    stored.sku === next.sku &&
    stored.quantity === next.quantity &&
    Date.parse(stored.expectedAt) === Date.parse(next.expectedAt) &&
    stored.kind === next.kind &&
    stored.fromLocationId === next.fromLocationId
  );
}

/** The record as the API answers it (storage fields left out). */
export function publicSupply(supply: Supply): Supply {
  return {
    supplyId: supply.supplyId,
    locationId: supply.locationId,
    sku: supply.sku,
    quantity: supply.quantity,
    expectedAt: supply.expectedAt,
    kind: supply.kind,
    ...(supply.fromLocationId === undefined ? {} : { fromLocationId: supply.fromLocationId }),
    status: supply.status,
    ...(supply.receivedAt === undefined ? {} : { receivedAt: supply.receivedAt }),
  };
}

export function expectedArrival(supply: ExpectedArrival): ExpectedArrival {
  return {
    supplyId: supply.supplyId,
    locationId: supply.locationId,
    quantity: supply.quantity,
    expectedAt: supply.expectedAt,
    kind: supply.kind,
    ...(supply.fromLocationId === undefined ? {} : { fromLocationId: supply.fromLocationId }),
  };
}

/** Earliest first; the same instant by supply id, so the order never depends on storage. */
export function byArrival(a: ExpectedArrival, b: ExpectedArrival): number {
  return Date.parse(a.expectedAt) - Date.parse(b.expectedAt) || a.supplyId.localeCompare(b.supplyId);
}

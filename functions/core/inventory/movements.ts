import type { StockLine } from '../orders/types.ts';

/**
 * A change to one stock row that rides in a transaction with the order (or return, or supply) that
 * causes it. reserve: hold units (refused when fewer are available); release: give them back;
 * consume: the units leave the building (on hand and reserved both drop); restock: units come in;
 * withdraw: unreserved units leave (a transfer leaving its origin: on hand and available drop,
 * refused when fewer are available); arrive: units come in held for an order (a transfer reaching
 * the store its customer collects from: on hand and reserved grow together); dispose: units on the
 * shelf are written off (as withdraw: on hand and available drop, refused when fewer are available,
 * as when a restocked return is graded C afterwards and its units were sold again).
 */
export type StockMovementKind =
  | 'reserve'
  | 'release'
  | 'consume'
  | 'restock'
  | 'withdraw'
  | 'arrive'
  | 'dispose';

export interface StockMovement {
  kind: StockMovementKind;
  locationId: string;
  sku: string;
  quantity: number;
  /** for a reservation by a channel the location holds units back from: what must stay */
  holdBack?: HoldBack | undefined;
}

/**
 * Units a reservation must leave available (the channel's buffer, as read), and the on hand that
 * buffer was computed from when it is a share (a share grows with on hand; a smaller on hand only
 * makes the buffer smaller, so the reservation stays safe as long as on hand did not grow).
 */
export interface HoldBack {
  units: number;
  onHandAtMost?: number | undefined;
}

/** The reservations with what each must leave to other channels, by location then SKU. */
export function holdingBack(
  reservations: readonly StockMovement[],
  holdBack: ReadonlyMap<string, ReadonlyMap<string, HoldBack>>,
): StockMovement[] {
  return reservations.map((m) => {
    const kept = m.kind === 'reserve' ? holdBack.get(m.locationId)?.get(m.sku) : undefined;
    return kept ? { ...m, holdBack: kept } : m;
  });
}

/** Lines held, given back, taken away or brought in at one location: one movement per line. */
export function movements(
  kind: StockMovementKind,
  locationId: string,
  lines: readonly StockLine[],
): StockMovement[] {
  return lines.map(({ sku, quantity }) => ({ kind, locationId, sku, quantity }));
}

/** What a group of shipments does to the stock, each at its own location. */
export function movementsOf(
  kind: StockMovementKind,
  shipments: readonly { locationId: string; lines: readonly StockLine[] }[],
): StockMovement[] {
  return shipments.flatMap((s) => movements(kind, s.locationId, s.lines));
}

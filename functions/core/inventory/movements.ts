import type { StockLine } from '../orders/types.ts';

/**
 * A change to one stock row that rides in a transaction with the order (or return, or supply) that
 * causes it. reserve: hold units (refused when fewer are available); release: give them back;
 * consume: the units leave the building (on hand and reserved both drop); restock: units come in.
 */
export type StockMovementKind = 'reserve' | 'release' | 'consume' | 'restock';

export interface StockMovement {
  kind: StockMovementKind;
  locationId: string;
  sku: string;
  quantity: number;
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

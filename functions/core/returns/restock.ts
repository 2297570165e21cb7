import { coverOf } from '../inventory/cover.ts';
import type { Location } from '../network.ts';
import type { Order } from '../orders/types.ts';

/**
 * Where a returned unit rejoins the stock: the location that needs it most, by cover (its available
 * units against its recent demand), among the locations that take returns. A location with demand
 * and nothing available has no cover at all and comes first; one without demand needs nothing.
 */
export interface RestockCandidate {
  locationId: string;
  available: number;
  /** units of the SKU this location served recently */
  demand: number;
}

/** A location takes returns when it says so; by default warehouses and stores do, suppliers do not. */
export function takesReturns(location: Pick<Location, 'type' | 'acceptsReturns'>): boolean {
  return location.acceptsReturns ?? location.type !== 'supplier';
}

/**
 * The lowest cover wins; among equals (no demand anywhere, say) the location the units shipped
 * from, then the one holding fewer, then the first by id, so that the choice is stable.
 */
export function restockLocationFor(
  candidates: readonly RestockCandidate[],
  shippedFrom: string | undefined,
): string | undefined {
  const ranked = [...candidates].sort(
    (a, b) =>
      coverOf(a) - coverOf(b) ||
      Number(b.locationId === shippedFrom) - Number(a.locationId === shippedFrom) ||
      a.available - b.available ||
      a.locationId.localeCompare(b.locationId),
  );
  return ranked[0]?.locationId;
}

/** The location that shipped this SKU on the order (delivered first), if any. */
export function shippedFromOf(order: Order, sku: string): string | undefined {
  const carrying = order.shipments.filter((s) => s.lines.some((l) => l.sku === sku));
  return (carrying.find((s) => s.status === 'DELIVERED' || s.status === 'COLLECTED') ?? carrying[0])
    ?.locationId;
}

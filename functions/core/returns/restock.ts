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

/** Orders younger than this count as recent demand. */
export const recentDemandDays = 28;

/** A location takes returns when it says so; by default warehouses and stores do, suppliers do not. */
export function takesReturns(location: Pick<Location, 'type' | 'acceptsReturns'>): boolean {
  return location.acceptsReturns ?? location.type !== 'supplier';
}

export function coverOf(candidate: Pick<RestockCandidate, 'available' | 'demand'>): number {
  return candidate.demand > 0
    ? Math.max(0, candidate.available) / candidate.demand
    : Number.POSITIVE_INFINITY;
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

/** Units of `sku` each location served in the orders given, received since `since`. */
export function demandBySite(orders: readonly Order[], sku: string, since: Date): Map<string, number> {
  const demand = new Map<string, number>();
  for (const order of orders) {
    if (Date.parse(order.createdAt) < since.getTime()) continue;
    for (const s of order.shipments) {
      if (s.status === 'CANCELLED' && !s.replacedBy) continue;
      const units = s.lines.filter((l) => l.sku === sku).reduce((sum, l) => sum + l.quantity, 0);
      if (units > 0) demand.set(s.locationId, (demand.get(s.locationId) ?? 0) + units);
    }
  }
  return demand;
}

/** The location that shipped this SKU on the order (delivered first), if any. */
export function shippedFromOf(order: Order, sku: string): string | undefined {
  const carrying = order.shipments.filter((s) => s.lines.some((l) => l.sku === sku));
  return (carrying.find((s) => s.status === 'DELIVERED' || s.status === 'COLLECTED') ?? carrying[0])
    ?.locationId;
}

import type { Order } from '../orders/types.ts';

/**
 * Cover: how long a location's available units of a SKU last at the rate it served them lately.
 * Returns restock where cover is lowest; replenishment moves units from surplus cover to short.
 */

/** Orders younger than this count as recent demand. */
export const recentDemandDays = 28;

/** Units over the units served: `available / demand`; no demand needs nothing (infinite cover). */
export function coverOf(site: { available: number; demand: number }): number {
  return site.demand > 0 ? Math.max(0, site.available) / site.demand : Number.POSITIVE_INFINITY;
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

import type { Order } from '../core/orders/types.ts';

/** How many incidents a change of an order opened: shipments with an incident after and none before. */
export function incidentsOpened(before: Pick<Order, 'incidents'>, after: Pick<Order, 'incidents'>): number {
  const known = new Set((before.incidents ?? []).map((i) => i.shipmentId));
  return (after.incidents ?? []).filter((i) => !known.has(i.shipmentId)).length;
}

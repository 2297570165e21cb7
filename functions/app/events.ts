import type { Order, Shipment } from '../core/orders/types.ts';
import type { DetailType, EventDetail } from '../shared/events.ts';

/** A fact to announce on the bus, in the contract's words (DESIGN.md section 7). */
export interface OutgoingEvent<T extends DetailType = DetailType> {
  detailType: T;
  detail: EventDetail<T>;
}

export function event<T extends DetailType>(detailType: T, detail: EventDetail<T>): OutgoingEvent<T> {
  return { detailType, detail };
}

/** One ShipmentStatusChanged.v1 per shipment whose status differs between two versions of an order. */
export function shipmentChanges(before: Order | undefined, after: Order): OutgoingEvent[] {
  const previous = new Map((before?.shipments ?? []).map((s) => [s.shipmentId, s]));
  return after.shipments.flatMap((s: Shipment) => {
    const old = previous.get(s.shipmentId);
    if (old?.status === s.status) return [];
    return [
      event('ShipmentStatusChanged.v1', {
        orderId: after.orderId,
        shipmentId: s.shipmentId,
        locationId: s.locationId,
        mode: s.mode,
        status: s.status,
        previousStatus: old?.status,
        orderStatus: after.status,
        at: after.updatedAt,
      }),
    ];
  });
}

/** OrderDelivered.v1 when this change is the one that made the order delivered or collected. */
export function deliveryOf(before: Order | undefined, after: Order): OutgoingEvent[] {
  const { status } = after;
  if ((status !== 'DELIVERED' && status !== 'COLLECTED') || before?.status === status) return [];
  return [event('OrderDelivered.v1', { orderId: after.orderId, status, at: after.updatedAt })];
}

/** Everything a change of an order announces about its shipments and its end. */
export function orderChanges(before: Order | undefined, after: Order): OutgoingEvent[] {
  return [...shipmentChanges(before, after), ...deliveryOf(before, after)];
}

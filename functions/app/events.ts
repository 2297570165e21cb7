import type { Order, Shipment } from '../core/orders/types.ts';
import { refundAmount } from '../core/returns/returns.ts';
import type { DetailType, EventDetail } from '../shared/events.ts';

/** A fact to announce on the bus, in the contract's words (DESIGN.md section 7). */
export interface OutgoingEvent<T extends DetailType = DetailType> {
  detailType: T;
  detail: EventDetail<T>;
  /**
   * The event's id in the outbox, when it must be the same however often it is computed (an event
   * caused by another event: its redelivery writes nothing new); otherwise a fresh one is drawn.
   */
  id?: string;
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

/**
 * ShipmentIncident.v1 for each incident opened or resolved by this change, and RefundRequested.v1
 * for each one refunded (its lines at the order's unit prices).
 */
export function incidentEvents(before: Order | undefined, after: Order): OutgoingEvent[] {
  const previous = new Map((before?.incidents ?? []).map((i) => [i.shipmentId, i]));
  const changed = (after.incidents ?? []).filter(
    (i) => previous.get(i.shipmentId)?.resolution !== i.resolution,
  );
  const events = changed.flatMap((incident): OutgoingEvent[] => {
    const shipment = after.shipments.find((s) => s.shipmentId === incident.shipmentId);
    const lines = (shipment?.lines ?? []).map(({ sku, quantity }) => ({ sku, quantity }));
    return [
      event('ShipmentIncident.v1', {
        orderId: after.orderId,
        shipmentId: incident.shipmentId,
        kind: incident.kind,
        resolution: incident.resolution,
        replacementShipmentId: incident.replacementShipmentId,
        carrierId: shipment?.carrierId,
        at: incident.at,
      }),
      ...(incident.resolution === 'refunded'
        ? [
            event('RefundRequested.v1', {
              orderId: after.orderId,
              shipmentId: incident.shipmentId,
              lines,
              amount: refundAmount(after, lines),
              currency: 'EUR',
              reason: incident.kind,
              at: incident.at,
            }),
          ]
        : []),
    ];
  });
  return events;
}

/**
 * The incidents' events (`incidentEvents`), and OrderCancelled.v1 when the refunds leave the order
 * with nothing to deliver.
 */
export function incidentChanges(before: Order | undefined, after: Order): OutgoingEvent[] {
  const events = incidentEvents(before, after);
  const cancelled = after.status === 'CANCELLED' && before?.status !== 'CANCELLED';
  return cancelled
    ? [
        ...events,
        event('OrderCancelled.v1', {
          orderId: after.orderId,
          reason: 'every parcel was refunded after an incident',
          at: after.updatedAt,
        }),
      ]
    : events;
}

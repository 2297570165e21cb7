import { shipmentStatusOf } from '../carriers/tracking.ts';
import { incidentKindOf, incidentOf, isReplaced, recordIncident } from './incidents.ts';
import { findShipment, updateShipment } from './order.ts';
import { isDispatched, isTerminalShipment, nextShipmentStatus, stageOf } from './status.ts';
import type { Order, Shipment, StockLine, TrackingEntry } from './types.ts';

/** A shipment's timeline keeps its latest events only, so that a chatty carrier cannot grow the order without end. */
export const maxTimelineEntries = 100;

/** The timeline with one more event, oldest first by occurredAt (then by arrival), capped. */
export function withTrackingEntry(events: readonly TrackingEntry[], entry: TrackingEntry): TrackingEntry[] {
  const sorted = [...events, entry].sort(
    (a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.receivedAt.localeCompare(b.receivedAt),
  );
  return sorted.slice(-maxTimelineEntries);
}

/** Failed delivery attempts on a timeline. */
export function attemptsOf(events: readonly TrackingEntry[]): number {
  return events.filter((e) => e.status === 'DELIVERY_FAILED').length;
}

/**
 * The furthest stage of its journey the parcel reached, whatever it reports now: an exception
 * after the parcel was out for delivery does not let a late IN_TRANSIT move it back.
 */
export function reachedStage(shipment: Pick<Shipment, 'status' | 'events'>): number {
  const stages = (shipment.events ?? []).flatMap((e) => {
    const status = shipmentStatusOf[e.status];
    return status && status !== 'EXCEPTION' ? [stageOf(status)] : [];
  });
  const current = shipment.status === 'EXCEPTION' ? stageOf('DISPATCHED') : stageOf(shipment.status);
  return Math.max(current, ...stages);
}

export interface TrackedShipment {
  order: Order;
  /** units back at the shipment's origin (a parcel returned to the sender and received) */
  restock: StockLine[];
  /** units a transfer brought to the store it travelled to, held there for the customer */
  arrived?: StockLine[] | undefined;
}

/**
 * What a carrier's event does to an outbound shipment, or undefined when it changes nothing (an
 * event seen before, a parcel whose journey is over). The event joins the timeline; the status
 * moves forward only; the third failed attempt or a return to the sender opens the `returning`
 * incident, and the parcel's receipt back settles it as refunded, its units restocked. A lost or
 * damaged parcel is marked with its incident for the workflow to replace it.
 */
export function trackShipment(
  order: Order,
  shipmentId: string,
  entry: TrackingEntry,
  now: Date,
): TrackedShipment | undefined {
  const shipment = findShipment(order, shipmentId);
  if (!shipment || !isDispatched(shipment)) return undefined;
  if (shipment.events?.some((e) => e.eventId === entry.eventId)) return undefined;
  const events = withTrackingEntry(shipment.events ?? [], entry);
  const incident = incidentOf(order, shipmentId);

  if (incident?.resolution === 'returning') {
    const received = entry.status === 'RETURN_RECEIVED';
    const withEvent = updateShipment(order, shipmentId, (s) => ({ ...s, events }), now);
    if (!received) return { order: withEvent, restock: [] };
    return {
      order: recordIncident(withEvent, { ...incident, resolution: 'refunded', at: now.toISOString() }, now),
      restock: shipment.lines,
    };
  }
  if (incident || shipment.replacedBy || shipment.incidentKind || isTerminalShipment(shipment.status))
    return undefined;

  const attempts = attemptsOf(events);
  const kind = incidentKindOf(entry, attempts);
  const reported = entry.status === 'RETURN_RECEIVED' ? 'RETURNED_TO_SENDER' : shipmentStatusOf[entry.status];
  const next =
    (reported && nextShipmentStatus(shipment.status, reported, reachedStage(shipment))) ?? shipment.status;
  // a transfer delivered to the store is there for the customer: ready for pickup, held at the store
  const arrivedAtStore = shipment.transferTo !== undefined && next === 'DELIVERED';
  const status = arrivedAtStore ? 'READY_FOR_PICKUP' : next;
  const tracked = updateShipment(
    order,
    shipmentId,
    (s) => ({
      ...s,
      events,
      attempts,
      status,
      incidentKind: kind,
      ...(arrivedAtStore ? { reservation: 'held' as const } : {}),
    }),
    now,
    status === shipment.status ? undefined : `${shipmentId} ${status}`,
  );
  if (arrivedAtStore) return { order: tracked, restock: [], arrived: shipment.lines };
  if (!kind || isReplaced(kind)) return { order: tracked, restock: [] };
  // the parcel comes back: refunded and restocked once the carrier hands it over
  const returning = recordIncident(
    tracked,
    { shipmentId, kind, at: now.toISOString(), resolution: 'returning' },
    now,
  );
  if (entry.status !== 'RETURN_RECEIVED') return { order: returning, restock: [] };
  return {
    order: recordIncident(
      returning,
      { shipmentId, kind, at: now.toISOString(), resolution: 'refunded' },
      now,
    ),
    restock: shipment.lines,
  };
}

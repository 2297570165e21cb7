import type { CarrierStatus, TrackingReason } from '../carriers/tracking.ts';
import { wasEmptiedByCancellation } from './line-cancellation.ts';
import { findShipment, updateShipment, withDerivedStatus } from './order.ts';
import { isDispatched } from './status.ts';
import type { Incident, IncidentKind, Order, Shipment } from './types.ts';

/** The carrier gives a parcel back to the sender after this many failed delivery attempts. */
export const failedAttemptsBeforeReturn = 3;
/** Replacements per order at most: past them, an incident is refunded (a carrier that loses every parcel). */
export const maxReshipmentsPerOrder = 3;

/** Incidents whose parcel will never arrive: the lines are shipped again (or refunded). */
const replacedKinds: ReadonlySet<IncidentKind> = new Set(['lost', 'damaged', 'overdue']);

/** How an incident is resolved: a new parcel for the same lines, or the parcel coming back to be refunded. */
export function isReplaced(kind: IncidentKind): boolean {
  return replacedKinds.has(kind);
}

/**
 * The incident a carrier's report reveals, if any: a lost parcel, a damaged one, the last failed
 * attempt, or a parcel the carrier sends back. Other exceptions (weather, a delay) are only news.
 */
export function incidentKindOf(
  report: { status: CarrierStatus; reason?: TrackingReason | undefined },
  attempts: number,
): IncidentKind | undefined {
  if (report.status === 'LOST' || (report.status === 'EXCEPTION' && report.reason === 'lost')) return 'lost';
  if (report.status === 'EXCEPTION' && report.reason === 'damaged') return 'damaged';
  if (report.status === 'RETURNED_TO_SENDER' || report.status === 'RETURN_RECEIVED')
    return 'returned_to_sender';
  if (report.status === 'DELIVERY_FAILED' && attempts >= failedAttemptsBeforeReturn) return 'failed_attempts';
  return undefined;
}

export function incidentOf(order: Pick<Order, 'incidents'>, shipmentId: string): Incident | undefined {
  return order.incidents?.find((i) => i.shipmentId === shipmentId);
}

/** Records (or updates) the shipment's one incident, and derives the order's status again. */
export function recordIncident(order: Order, incident: Incident, now: Date): Order {
  const others = (order.incidents ?? []).filter((i) => i.shipmentId !== incident.shipmentId);
  const withIncident = updateShipment(
    { ...order, incidents: [...others, incident] },
    incident.shipmentId,
    (s) => ({ ...s, incidentKind: incident.kind }),
    now,
  );
  return withDerivedStatus(
    withIncident,
    now,
    `${incident.shipmentId} ${incident.kind}: ${incident.resolution}`,
  );
}

/** Whether another replacement may still be sent for this order, or the incident must be refunded. */
export function mayReship(order: Pick<Order, 'incidents'>): boolean {
  return (order.incidents ?? []).filter((i) => i.resolution === 'reshipped').length < maxReshipmentsPerOrder;
}

/**
 * The incident resolved by a new parcel: the replacement joins the order (ALLOCATED, its stock
 * reserved by the caller), the lost one is marked replaced and no longer counts.
 */
export function reship(
  order: Order,
  shipmentId: string,
  kind: IncidentKind,
  replacement: Shipment,
  now: Date,
): Order {
  const marked = {
    ...order,
    shipments: [
      ...order.shipments.map((s) =>
        s.shipmentId === shipmentId ? { ...s, replacedBy: replacement.shipmentId } : s,
      ),
      replacement,
    ],
  };
  return recordIncident(
    marked,
    {
      shipmentId,
      kind,
      at: now.toISOString(),
      resolution: 'reshipped',
      replacementShipmentId: replacement.shipmentId,
    },
    now,
  );
}

/** The incident resolved by a refund of the shipment's lines. */
export function refund(order: Order, shipmentId: string, kind: IncidentKind, now: Date): Order {
  return recordIncident(order, { shipmentId, kind, at: now.toISOString(), resolution: 'refunded' }, now);
}

/** What the workflow waiting on a shipment must be told, if anything, once the order is as given. */
export type WaitSignal =
  | { kind: 'arrived'; status: 'DELIVERED' | 'COLLECTED' | 'REFUNDED' }
  | { kind: 'lost'; reason: string }
  | { kind: 'returning'; reason: string }
  | { kind: 'cancelled' }
  | { kind: 'lines-cancelled' };

export function waitSignal(
  order: Pick<Order, 'shipments' | 'incidents' | 'cancelRequested'>,
  shipmentId: string,
  stage: 'delivery' | 'collection' | 'return',
): WaitSignal | undefined {
  const shipment = findShipment(order as Order, shipmentId);
  if (!shipment) return undefined;
  if (stage === 'collection') {
    if (shipment.status === 'COLLECTED') return { kind: 'arrived', status: 'COLLECTED' };
    if (order.cancelRequested) return { kind: 'cancelled' };
    return wasEmptiedByCancellation(order, shipment) ? { kind: 'lines-cancelled' } : undefined;
  }
  const incident = incidentOf(order, shipmentId);
  if (stage === 'return')
    return incident?.resolution === 'refunded' ? { kind: 'arrived', status: 'REFUNDED' } : undefined;
  if (shipment.status === 'DELIVERED') return { kind: 'arrived', status: 'DELIVERED' };
  // a transfer is awaited until its customer collects it at the store it travelled to
  if (shipment.transferTo && shipment.status === 'COLLECTED') return { kind: 'arrived', status: 'COLLECTED' };
  if (shipment.transferTo && shipment.status === 'READY_FOR_PICKUP')
    return order.cancelRequested ? { kind: 'cancelled' } : undefined;
  const kind = shipment.incidentKind;
  if (!kind) return undefined;
  return isReplaced(kind) ? { kind: 'lost', reason: kind } : { kind: 'returning', reason: kind };
}

/**
 * A replacement that no location can ship after all (rejected, nowhere else to go) leaves its
 * incident refunded: the customer is paid back for the lines the lost parcel carried.
 */
export function refundUnshippedReplacement(order: Order, replacementId: string, now: Date): Order {
  const incident = order.incidents?.find(
    (i) => i.replacementShipmentId && currentReplacement(order, i.replacementShipmentId) === replacementId,
  );
  if (incident?.resolution !== 'reshipped') return order;
  return recordIncident(order, { ...incident, resolution: 'refunded', at: now.toISOString() }, now);
}

/** The shipment that now carries a replacement's lines: itself, or the one it was re-sourced to (and so on). */
export function currentReplacement(order: Pick<Order, 'shipments'>, shipmentId: string): string {
  let current = shipmentId;
  for (let hops = 0; hops < order.shipments.length; hops++) {
    const next = order.shipments.find((s) => s.shipmentId === current)?.replacedBy;
    if (!next) break;
    current = next;
  }
  return current;
}

/**
 * What an order closed by its compensation owes the customer for its incidents: a parcel lost,
 * damaged or overdue whose incident was never resolved (the step resolving it failed), or resolved
 * by a replacement that the compensation cancels before it left, is refunded. A replacement on its
 * way still arrives, and a parcel coming back is refunded when it is received, as without the
 * compensation.
 */
export function refundIncidentsOnClose(order: Order, now: Date): Order {
  let refunded = order;
  for (const shipment of order.shipments) {
    const kind = shipment.incidentKind;
    if (!kind || !isReplaced(kind) || shipment.status === 'CANCELLED') continue;
    const incident = incidentOf(refunded, shipment.shipmentId);
    if (!incident) {
      refunded = refund(refunded, shipment.shipmentId, kind, now);
      continue;
    }
    if (incident.resolution !== 'reshipped' || !incident.replacementShipmentId) continue;
    const replacement = findShipment(refunded, currentReplacement(refunded, incident.replacementShipmentId));
    if (replacement && isDispatched(replacement)) continue;
    refunded = recordIncident(refunded, { ...incident, resolution: 'refunded', at: now.toISOString() }, now);
  }
  return refunded;
}

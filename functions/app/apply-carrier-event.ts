import { returnStepOf } from '../core/carriers/tracking.ts';
import { movements } from '../core/inventory/movements.ts';
import { findShipment } from '../core/orders/order.ts';
import { trackShipment } from '../core/orders/tracking.ts';
import type { TrackingEntry } from '../core/orders/types.ts';
import type { EventDetail } from '../shared/events.ts';
import { signalWaitingTask } from './await-shipment.ts';
import { incidentsOpened } from './business-facts.ts';
import { event, incidentChanges } from './events.ts';
import { changeOrder } from './order-access.ts';
import type { AppPorts, CarrierEventKey } from './ports.ts';

type TrackingEvent = EventDetail<'CarrierTrackingEvent.v1'>;
type TrackingPorts = Pick<
  AppPorts,
  'orders' | 'carrierEvents' | 'returns' | 'workflows' | 'metrics' | 'clock'
>;

/** What an event says, as opposed to when it was sent: a carrier re-sending an event may restamp it. */
function fingerprintOf(detail: TrackingEvent): string {
  return JSON.stringify([detail.status, detail.reason ?? null, detail.rawCode ?? null]);
}

/**
 * Applies a carrier's tracking event once (by carrier, parcel and eventId): it joins the shipment's
 * timeline, moves the shipment forward (never back), opens or settles an incident, and tells the
 * workflow waiting on the parcel. Return parcels move their return. An id reused with another
 * content is recorded, not applied. An event whose effect fails half-way is forgotten, so that its
 * redelivery applies it (and sends a signal that did not get through).
 */
export async function applyCarrierEvent(ports: TrackingPorts, detail: TrackingEvent) {
  const key: CarrierEventKey = {
    carrierId: detail.carrierId,
    trackingNumber: detail.trackingNumber,
    eventId: detail.eventId,
  };
  const seen = await ports.carrierEvents.record(key, fingerprintOf(detail), detail.receivedAt);
  if (seen === 'repeated') return { duplicate: true };
  if (seen === 'conflicting') return { conflicting: true, eventId: detail.eventId };
  try {
    // the webhook names the parcel it found; an event from elsewhere is looked up
    const tracking =
      detail.orderId && detail.shipmentId
        ? { orderId: detail.orderId, shipmentId: detail.shipmentId, returnId: detail.returnId }
        : await ports.orders.findTracking(detail.trackingNumber);
    if (!tracking) return { unknown: true };
    if (tracking.returnId) return await applyToReturn(ports, tracking.returnId, detail);
    return await applyToShipment(ports, tracking.orderId, tracking.shipmentId, detail);
  } catch (error) {
    await ports.carrierEvents.forget(key);
    throw error;
  }
}

async function applyToShipment(
  ports: TrackingPorts,
  orderId: string,
  shipmentId: string,
  detail: TrackingEvent,
) {
  const entry: TrackingEntry = {
    eventId: detail.eventId,
    status: detail.status,
    reason: detail.reason,
    rawCode: detail.rawCode,
    occurredAt: detail.occurredAt,
    receivedAt: detail.receivedAt,
  };
  const { before, after } = await changeOrder(ports.orders, orderId, (order) => {
    const tracked = trackShipment(order, shipmentId, entry, new Date(detail.receivedAt));
    const shipment = findShipment(order, shipmentId);
    if (!tracked || !shipment) return undefined;
    const arrivals = shipment.transferTo
      ? movements('arrive', shipment.transferTo, tracked.arrived ?? [])
      : [];
    return {
      order: tracked.order,
      stock: [...movements('restock', shipment.locationId, tracked.restock), ...arrivals],
      events: incidentChanges(order, tracked.order),
    };
  });
  ports.metrics.count('IncidentsOpened', incidentsOpened(before, after));
  // also when nothing changed: a redelivered event sends what an earlier attempt could not
  await signalWaitingTask(ports, after, shipmentId);
  return { applied: after.version !== before.version };
}

async function applyToReturn(ports: TrackingPorts, returnId: string, detail: TrackingEvent) {
  const record = await ports.returns.get(returnId);
  if (!record) return { unknown: true };
  const step = returnStepOf(detail.status);
  if (step === 'in-transit') {
    await ports.returns.update(record, { status: 'IN_TRANSIT' }, ['REQUESTED']);
    return { returnStatus: 'IN_TRANSIT' };
  }
  if (step !== 'received') return { ignored: detail.status };
  const at = ports.clock.now().toISOString();
  const received = await ports.returns.update(
    record,
    { status: 'RECEIVED', updatedAt: at },
    ['REQUESTED', 'IN_TRANSIT'],
    [],
    [event('ReturnReceived.v1', { returnId, orderId: record.orderId, at })],
  );
  if (!received) return { ignored: detail.status };
  if (received.waitingToken)
    await ports.workflows.completeTask(received.waitingToken, { status: 'RECEIVED' });
  return { returnStatus: 'RECEIVED' };
}

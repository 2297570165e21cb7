import { returnStepOf, shipmentStatusOf } from '../core/carriers/tracking.ts';
import { applyCarrierStatus } from '../core/orders/order.ts';
import type { EventDetail } from '../shared/events.ts';
import { event, orderChanges } from './events.ts';
import { changeOrder, withoutWaiting } from './order-access.ts';
import type { AppPorts } from './ports.ts';

type TrackingEvent = EventDetail<'CarrierTrackingEvent.v1'>;
type TrackingPorts = Pick<AppPorts, 'orders' | 'carrierEvents' | 'returns' | 'workflows' | 'events'>;

/**
 * Applies a carrier's tracking event once (by eventId): moves the shipment forward (never back),
 * and completes the workflow's wait when the parcel is delivered. Return parcels move their return.
 * An event whose effect fails half-way is forgotten, so that its redelivery applies it.
 */
export async function applyCarrierEvent(ports: TrackingPorts, detail: TrackingEvent) {
  if (!(await ports.carrierEvents.record(detail.carrierId, detail.eventId, detail.receivedAt)))
    return { duplicate: true };
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
    await ports.carrierEvents.forget(detail.carrierId, detail.eventId);
    throw error;
  }
}

async function applyToShipment(
  ports: TrackingPorts,
  orderId: string,
  shipmentId: string,
  detail: TrackingEvent,
) {
  const reported = shipmentStatusOf[detail.status];
  if (!reported) return { ignored: detail.status };
  let token: string | undefined;
  const { before, after } = await changeOrder(ports.orders, orderId, (order) => {
    const next = applyCarrierStatus(order, shipmentId, reported, new Date(detail.receivedAt));
    if (!next) return undefined;
    const waiting = order.waiting?.[shipmentId];
    token = reported === 'DELIVERED' && waiting?.stage === 'delivery' ? waiting.token : undefined;
    return { order: token ? withoutWaiting(next, shipmentId) : next };
  });
  if (token) await ports.workflows.completeTask(token, { status: 'DELIVERED' });
  await ports.events.publish(orderChanges(before, after));
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
  const received = await ports.returns.update(record, { status: 'RECEIVED' }, ['REQUESTED', 'IN_TRANSIT']);
  if (!received) return { ignored: detail.status };
  await ports.events.publish([
    event('ReturnReceived.v1', { returnId, orderId: record.orderId, at: received.updatedAt }),
  ]);
  if (received.waitingToken)
    await ports.workflows.completeTask(received.waitingToken, { status: 'RECEIVED' });
  return { returnStatus: 'RECEIVED' };
}

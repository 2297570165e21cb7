import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { event as domainEvent, publish, shipmentChanges } from '../adapters/events.ts';
import {
  changeOrder,
  findTracking,
  forgetCarrierEvent,
  recordCarrierEvent,
  withoutWaiting,
} from '../adapters/order-store.ts';
import { requireReturn, updateReturn } from '../adapters/return-store.ts';
import { completeTask } from '../adapters/workflow.ts';
import { applyCarrierStatus } from '../core/orders/order.ts';
import type { ShipmentStatus } from '../core/orders/types.ts';
import { type EventDetail, eventSchemas } from '../shared/events.ts';
import { stepHandler } from '../shared/middleware.ts';

type TrackingEvent = EventDetail<'CarrierTrackingEvent.v1'>;

/** The one status vocabulary: what each carrier status means for a shipment. */
const shipmentStatusOf: Record<TrackingEvent['status'], ShipmentStatus | undefined> = {
  PICKED_UP: 'IN_TRANSIT',
  IN_TRANSIT: 'IN_TRANSIT',
  OUT_FOR_DELIVERY: 'OUT_FOR_DELIVERY',
  DELIVERED: 'DELIVERED',
  DELIVERY_FAILED: 'DELIVERY_FAILED',
  EXCEPTION: 'EXCEPTION',
  LOST: 'LOST',
  RETURN_RECEIVED: undefined,
};

const schema = EventBridgeSchema.extend({ detail: eventSchemas['CarrierTrackingEvent.v1'] });

/**
 * Applies a carrier's tracking event once (by eventId): moves the shipment forward (never back),
 * and completes the workflow's wait when the parcel is delivered. Return parcels move their return.
 */
export const handler = stepHandler(schema, async ({ detail }) => {
  if (!(await recordCarrierEvent(detail.carrierId, detail.eventId, detail.receivedAt)))
    return { duplicate: true };
  try {
    const tracking = await findTracking(detail.trackingNumber);
    if (!tracking) return { unknown: true };
    if (tracking.returnId) return await applyToReturn(tracking.returnId, detail);
    return await applyToShipment(tracking.orderId, tracking.shipmentId, detail);
  } catch (error) {
    await forgetCarrierEvent(detail.carrierId, detail.eventId);
    throw error;
  }
});

async function applyToShipment(orderId: string, shipmentId: string, detail: TrackingEvent) {
  const reported = shipmentStatusOf[detail.status];
  if (!reported) return { ignored: detail.status };
  let before: Parameters<typeof shipmentChanges>[0];
  let token: string | undefined;
  const after = await changeOrder(orderId, (order) => {
    before = order;
    const next = applyCarrierStatus(order, shipmentId, reported, new Date(detail.receivedAt));
    if (!next) return undefined;
    const waiting = order.waiting?.[shipmentId];
    token = reported === 'DELIVERED' && waiting?.stage === 'delivery' ? waiting.token : undefined;
    return { order: token ? withoutWaiting(next, shipmentId) : next };
  });
  if (token) await completeTask(token, { status: 'DELIVERED' });
  await publish(shipmentChanges(before, after));
  return { applied: true };
}

async function applyToReturn(returnId: string, detail: TrackingEvent) {
  const record = await requireReturn(returnId);
  if (detail.status === 'PICKED_UP' || detail.status === 'IN_TRANSIT') {
    await updateReturn(record, { status: 'IN_TRANSIT' }, ['REQUESTED']);
    return { returnStatus: 'IN_TRANSIT' };
  }
  if (detail.status !== 'RETURN_RECEIVED' && detail.status !== 'DELIVERED') return { ignored: detail.status };
  const received = await updateReturn(record, { status: 'RECEIVED' }, ['REQUESTED', 'IN_TRANSIT']);
  if (!received) return { ignored: detail.status };
  await publish([
    domainEvent('ReturnReceived.v1', { returnId, orderId: record.orderId, at: received.updatedAt }),
  ]);
  if (received.waitingToken) await completeTask(received.waitingToken, { status: 'RECEIVED' });
  return { returnStatus: 'RECEIVED' };
}

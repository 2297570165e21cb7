import { slotsHeldBy } from '../core/inventory/capacity.ts';
import { movements } from '../core/inventory/movements.ts';
import { refundUnshippedReplacement } from '../core/orders/incidents.ts';
import { closeOrder, findShipment, liveShipments, updateShipment } from '../core/orders/order.ts';
import { isDispatched, isTerminal } from '../core/orders/status.ts';
import { IntegrityViolation, OrderCancelled } from '../shared/errors.ts';
import { event, incidentChanges } from './events.ts';
import { changeOrder, withoutWaiting } from './order-access.ts';
import type { AppPorts } from './ports.ts';
import { failureReason, type WorkflowFailure } from './workflow-failure.ts';

/**
 * No location can ship a shipment's lines any more: its reservation is released and its slot given
 * back, it is cancelled with the reason, and the order goes on with its other shipments. When it
 * was the last one, the order ends REJECTED. When it replaced a lost parcel, that incident is
 * refunded instead. The siblings are never touched.
 */
export async function reportUnfilled(
  ports: Pick<AppPorts, 'orders' | 'clock' | 'metrics'>,
  orderId: string,
  shipmentId: string,
  failure: WorkflowFailure,
) {
  const reason = `unfilled: ${failureReason(failure)}`;
  const { before, after } = await changeOrder(ports.orders, orderId, (order) => {
    if (order.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
    const shipment = findShipment(order, shipmentId);
    if (!shipment) throw new IntegrityViolation(`shipment ${shipmentId} is not part of order ${orderId}`);
    if (shipment.status === 'CANCELLED' || isDispatched(shipment) || isTerminal(order.status))
      return undefined;
    const now = ports.clock.now();
    const cancelled = updateShipment(
      withoutWaiting(order, shipmentId),
      shipmentId,
      (s) => ({
        ...s,
        status: 'CANCELLED',
        reservation: s.reservation === 'held' ? 'released' : s.reservation,
        rejection: { reason },
        capacityDay: undefined,
      }),
      now,
      `${shipmentId} ${reason}`,
    );
    const settled = refundUnshippedReplacement(cancelled, shipmentId, now);
    const next = liveShipments(settled).length === 0 ? closeOrder(settled, 'REJECTED', reason, now) : settled;
    const closed = next.status === 'REJECTED' && order.status !== 'REJECTED';
    return {
      order: next,
      stock: shipment.reservation === 'held' ? movements('release', shipment.locationId, shipment.lines) : [],
      capacity: { release: slotsHeldBy([shipment]) },
      events: [
        ...(closed ? [event('OrderRejected.v1', { orderId, reason, at: next.updatedAt })] : []),
        ...incidentChanges(order, next),
      ],
    };
  });
  if (after.status === 'REJECTED' && before.status !== 'REJECTED') ports.metrics.count('OrdersRejected');
  return { status: after.status };
}

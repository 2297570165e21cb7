import { holdExpiredReason } from '../core/orders/holds.ts';
import { findShipment } from '../core/orders/order.ts';
import { changeOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';
import { taskFailureCause } from './workflow-failure.ts';

/**
 * The customer did not come within the hold: the order is to be cancelled, "hold expired". The
 * request is recorded in one conditional write that a collection at the same moment either
 * precedes (the parcel is COLLECTED: nothing expires) or finds recorded (its 409). The workflow
 * then closes the order the way a cancellation does: the stock released, the customer told; the
 * other shipments' waiting tasks are failed with OrderCancelled so that they stop too.
 */
export async function expireHold(
  ports: Pick<AppPorts, 'orders' | 'workflows'>,
  orderId: string,
  shipmentId: string,
) {
  const { after } = await changeOrder(ports.orders, orderId, (order) => {
    const shipment = findShipment(order, shipmentId);
    if (order.cancelRequested || shipment?.status !== 'READY_FOR_PICKUP') return undefined;
    return {
      order: { ...order, cancelRequested: true, cancellation: { reason: holdExpiredReason } },
    };
  });
  if (findShipment(after, shipmentId)?.status === 'COLLECTED') return { outcome: 'collected' as const };
  await Promise.all(
    Object.entries(after.waiting ?? {})
      .filter(([waitingOn]) => waitingOn !== shipmentId)
      .map(([, w]) =>
        ports.workflows.failTask(w.token, 'OrderCancelled', taskFailureCause(holdExpiredReason)),
      ),
  );
  return { outcome: 'expired' as const };
}

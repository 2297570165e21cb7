import { slotsHeldBy } from '../core/inventory/capacity.ts';
import { movementsOf } from '../core/inventory/movements.ts';
import { closingFor } from '../core/orders/compensation.ts';
import { closeOrder, heldReservations } from '../core/orders/order.ts';
import { isDispatched, isTerminal } from '../core/orders/status.ts';
import { event } from './events.ts';
import { changeOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';
import { failureReason, type WorkflowFailure } from './workflow-failure.ts';

/**
 * Saga compensation: whatever stopped the order, every reservation still held is released, and
 * every preparation slot not used given back, in the same transaction that closes the order.
 * Retried safely: a closed order changes no more. `failed` tells the workflow to end visibly.
 */
export async function compensateOrder(
  ports: Pick<AppPorts, 'orders' | 'clock'>,
  orderId: string,
  failure: WorkflowFailure,
) {
  const closing = closingFor(failure.Error, failureReason(failure));
  // a change cut off half-written (a crash between its parts) leaves nothing reserved either
  await ports.orders.releaseUncommitted(orderId);
  const { reason } = closing;
  const { after } = await changeOrder(ports.orders, orderId, (order) => {
    const held = heldReservations(order);
    if (isTerminal(order.status) && held.length === 0) return undefined;
    const unprepared = order.shipments.filter((s) => s.capacityDay && !isDispatched(s));
    const freed = new Set(unprepared.map((s) => s.shipmentId));
    const closed = closeOrder(order, closing.status, closing.reason, ports.clock.now());
    const shipments = closed.shipments.map((s) =>
      freed.has(s.shipmentId) ? { ...s, capacityDay: undefined } : s,
    );
    const at = closed.updatedAt;
    return {
      order: { ...closed, shipments, waiting: {} },
      stock: movementsOf('release', held),
      capacity: { release: slotsHeldBy(unprepared) },
      events: [
        closing.status === 'CANCELLED'
          ? event('OrderCancelled.v1', { orderId, reason, at })
          : event('OrderRejected.v1', { orderId, reason, at }),
      ],
    };
  });
  return { status: after.status, failed: closing.failed };
}

import { claimChanges } from '../core/inventory/backorders.ts';
import { slotsHeldBy } from '../core/inventory/capacity.ts';
import { movementsOf } from '../core/inventory/movements.ts';
import { closingFor } from '../core/orders/compensation.ts';
import { refundIncidentsOnClose } from '../core/orders/incidents.ts';
import { closeOrder, heldReservations } from '../core/orders/order.ts';
import { isDispatched, isTerminal } from '../core/orders/status.ts';
import { incidentsOpened } from './business-facts.ts';
import { event, incidentEvents } from './events.ts';
import { changeOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';
import { failureReason, type WorkflowFailure } from './workflow-failure.ts';

/**
 * Saga compensation: whatever stopped the order, every reservation still held is released, every
 * preparation slot not used and every claim on expected supply given back, and every parcel an
 * incident took that nothing will replace now refunded (RefundRequested.v1), in the same
 * transaction that closes the order.
 * Retried safely: a closed order changes no more. `failed` tells the workflow to end visibly.
 */
export async function compensateOrder(
  ports: Pick<AppPorts, 'orders' | 'clock' | 'metrics'>,
  orderId: string,
  failure: WorkflowFailure,
) {
  const closing = closingFor(failure.Error, failureReason(failure));
  // a change cut off half-written (a crash between its parts) leaves nothing reserved either
  await ports.orders.releaseUncommitted(orderId);
  const { before, after } = await changeOrder(ports.orders, orderId, (order) => {
    const held = heldReservations(order);
    const claims = order.backorder?.claims ?? [];
    if (isTerminal(order.status) && held.length === 0 && claims.length === 0) return undefined;
    const unprepared = order.shipments.filter((s) => s.capacityDay && !isDispatched(s));
    const freed = new Set(unprepared.map((s) => s.shipmentId));
    // a cancellation says why it was asked for (the customer, a hold that expired)
    const reason = (closing.status === 'CANCELLED' && order.cancellation?.reason) || closing.reason;
    // what an incident took from the customer and nothing will bring now is paid back
    const now = ports.clock.now();
    const closed = closeOrder(refundIncidentsOnClose(order, now), closing.status, reason, now);
    const shipments = closed.shipments.map((s) =>
      freed.has(s.shipmentId) ? { ...s, capacityDay: undefined } : s,
    );
    const backorder = order.backorder;
    return {
      order: { ...closed, shipments, waiting: {}, backorder: backorder && { ...backorder, claims: [] } },
      stock: movementsOf('release', held),
      capacity: { release: slotsHeldBy(unprepared) },
      // a backorder's claims on expected supply are given back: others may count on those units
      ...(backorder && claims.length > 0
        ? { supplyClaims: { orderId, since: backorder.since, changes: claimChanges(claims, []) } }
        : {}),
      events: [
        // the closing says why the order ends: its own OrderCancelled.v1 or OrderRejected.v1 below
        ...incidentEvents(order, closed),
        closing.status === 'CANCELLED'
          ? event('OrderCancelled.v1', { orderId, reason, at: closed.updatedAt })
          : event('OrderRejected.v1', { orderId, reason, at: closed.updatedAt }),
      ],
    };
  });
  // counted once: a compensation that only releases what a REJECTED order still held is no rejection
  if (after.status === 'REJECTED' && before.status !== 'REJECTED') ports.metrics.count('OrdersRejected');
  const opened = incidentsOpened(before, after);
  if (opened > 0) ports.metrics.count('IncidentsOpened', opened);
  return { status: after.status, failed: closing.failed };
}

import { z } from 'zod';
import { releaseCapacity } from '../adapters/capacity-store.ts';
import { event as domainEvent, publish, shipmentChanges } from '../adapters/events.ts';
import { changeOrder, requireOrder } from '../adapters/order-store.ts';
import { closeOrder, heldReservations } from '../core/orders/order.ts';
import { isDispatched, isTerminal } from '../core/orders/status.ts';
import { stepHandler } from '../shared/middleware.ts';
import { id } from '../shared/schemas.ts';

/** Business outcomes: the order ends cleanly. Anything else is a failure worth an alarm. */
const rejections = new Set(['OrderInvalid', 'NoSourcingPlan']);

const input = z.object({
  orderId: id,
  error: z.object({ Error: z.string(), Cause: z.string().optional() }),
});

function reasonOf(error: { Error: string; Cause?: string | undefined }): string {
  try {
    const cause = JSON.parse(error.Cause ?? '{}') as { errorMessage?: string; reason?: string };
    return cause.errorMessage ?? cause.reason ?? error.Error;
  } catch {
    return error.Cause ?? error.Error;
  }
}

/**
 * Saga compensation: whatever stopped the order, every reservation still held is released in the
 * same transaction that closes the order. Retried safely: a closed order changes no more.
 */
export const handler = stepHandler(input, async ({ orderId, error }) => {
  const cancelled = error.Error === 'OrderCancelled';
  const failed = !cancelled && !rejections.has(error.Error);
  const reason = cancelled
    ? 'cancelled'
    : failed
      ? `failed: ${error.Error}: ${reasonOf(error)}`
      : reasonOf(error);
  const before = await requireOrder(orderId);
  const after = await changeOrder(orderId, (order) => {
    if (isTerminal(order.status) && heldReservations(order).length === 0) return undefined;
    const stock = heldReservations(order).flatMap((r) =>
      r.lines.map((l) => ({ kind: 'release' as const, locationId: r.locationId, ...l })),
    );
    const status = cancelled ? 'CANCELLED' : 'REJECTED';
    // shipments that will never be prepared give their preparation slot back
    const unprepared = order.shipments.filter(
      (s) => s.capacityDay && !isDispatched(s) && s.status !== 'COLLECTED',
    );
    const closed = closeOrder(order, status, reason, new Date());
    const freed = new Set(unprepared.map((s) => s.shipmentId));
    const shipments = closed.shipments.map((s) =>
      freed.has(s.shipmentId) ? { ...s, capacityDay: undefined } : s,
    );
    return { order: { ...closed, shipments, waiting: {} }, stock, conditions: releaseCapacity(unprepared) };
  });
  if (after.version !== before.version) {
    const closing = cancelled
      ? domainEvent('OrderCancelled.v1', { orderId, reason, at: after.updatedAt })
      : domainEvent('OrderRejected.v1', { orderId, reason, at: after.updatedAt });
    await publish([closing, ...shipmentChanges(before, after)]);
  }
  return { status: after.status, failed };
});

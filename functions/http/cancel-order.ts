import { changeOrder, requireOrder } from '../adapters/order-store.ts';
import { failTask } from '../adapters/workflow.ts';
import { canCancel } from '../core/orders/order.ts';
import { Conflict, ValidationFailed } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, cancelBody, id } from '../shared/schemas.ts';

/**
 * Asks the workflow to cancel: the request is recorded on the order (every step checks it) and each
 * task waiting on a location is failed with OrderCancelled, which the workflow catches to release
 * the stock. Recording and reading the waiting tasks happen in one conditional write, so a task
 * that starts waiting concurrently either sees the request or is seen by it.
 */
export const handler = httpRoute(apiRequest(cancelBody, { orderId: id }), async (event) => {
  const { orderId } = event.pathParameters;
  const current = await requireOrder(orderId);
  if (event.body.lines && !coversWholeOrder(event.body.lines, current.lines))
    throw new ValidationFailed('partial cancellation is not supported yet: cancel every line, or none', {
      errors: [{ field: 'lines', message: 'must cover every line of the order' }],
    });
  const order = await changeOrder(orderId, (o) => {
    if (o.cancelRequested) return undefined;
    if (!canCancel(o)) throw new Conflict(`order ${orderId} can no longer be cancelled (status ${o.status})`);
    return { order: { ...o, cancelRequested: true } };
  });
  const waiting = Object.values(order.waiting ?? {});
  await Promise.all(
    waiting.map((w) =>
      failTask(w.token, 'OrderCancelled', JSON.stringify({ reason: 'cancelled by the customer' })),
    ),
  );
  return json(202, { orderId, status: order.status, cancelRequested: true });
});

function coversWholeOrder(
  requested: { sku: string; quantity: number }[],
  lines: { sku: string; quantity: number }[],
) {
  const total = (ls: { sku: string; quantity: number }[], sku: string) =>
    ls.filter((l) => l.sku === sku).reduce((s, l) => s + l.quantity, 0);
  return lines.every((l) => total(requested, l.sku) >= total(lines, l.sku));
}

import { canCancel, coversWholeOrder } from '../core/orders/order.ts';
import { Conflict, ValidationFailed } from '../shared/errors.ts';
import { changeOrder, requireOrder } from './order-access.ts';
import type { AppPorts } from './ports.ts';
import { taskFailureCause } from './workflow-failure.ts';

/**
 * Asks the workflow to cancel: the request is recorded on the order (every step checks it) and each
 * task waiting on a location is failed with OrderCancelled, which the workflow catches to release
 * the stock. Recording and reading the waiting tasks happen in one conditional write, so a task
 * that starts waiting concurrently either sees the request or is seen by it.
 */
export async function cancelOrder(
  ports: Pick<AppPorts, 'orders' | 'workflows'>,
  orderId: string,
  lines: { sku: string; quantity: number }[] | undefined,
) {
  const current = await requireOrder(ports.orders, orderId);
  if (lines && !coversWholeOrder(lines, current.lines))
    throw new ValidationFailed('partial cancellation is not supported yet: cancel every line, or none', {
      errors: [{ field: 'lines', message: 'must cover every line of the order' }],
    });
  const { after: order } = await changeOrder(ports.orders, orderId, (o) => {
    if (o.cancelRequested) return undefined;
    if (!canCancel(o)) throw new Conflict(`order ${orderId} can no longer be cancelled (status ${o.status})`);
    return { order: { ...o, cancelRequested: true } };
  });
  await Promise.all(
    Object.values(order.waiting ?? {}).map((w) =>
      ports.workflows.failTask(w.token, 'OrderCancelled', taskFailureCause('cancelled by the customer')),
    ),
  );
  return { orderId, status: order.status, cancelRequested: true };
}

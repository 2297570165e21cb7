import { slotsHeldBy } from '../core/inventory/capacity.ts';
import {
  cancelLines,
  cancellationProblems,
  cancelsEverythingLeft,
  type RequestedLine,
} from '../core/orders/line-cancellation.ts';
import { canCancel } from '../core/orders/order.ts';
import { isTerminal } from '../core/orders/status.ts';
import { Conflict, ValidationFailed } from '../shared/errors.ts';
import { changeOrder, requireOrder } from './order-access.ts';
import type { AppPorts, StoredOrder } from './ports.ts';
import { taskFailureCause } from './workflow-failure.ts';

type CancelPorts = Pick<AppPorts, 'orders' | 'workflows' | 'network' | 'clock'>;

function refuseProblems(order: StoredOrder, lines: RequestedLine[]) {
  const problems = cancellationProblems(order, lines);
  if (problems.length > 0)
    throw new ValidationFailed('the cancellation asks for units the order does not have', {
      errors: problems,
    });
}

/**
 * Asks the workflow to cancel: the request is recorded on the order (every step checks it) and each
 * task waiting on a location is failed with OrderCancelled, which the workflow catches to release
 * the stock. Recording and reading the waiting tasks happen in one conditional write, so a task
 * that starts waiting concurrently either sees the request or is seen by it. With `lines`, only
 * those units are cancelled (see cancelOrderLines), unless they are all the order has left.
 */
export async function cancelOrder(ports: CancelPorts, orderId: string, lines: RequestedLine[] | undefined) {
  const current = await requireOrder(ports.orders, orderId);
  if (lines) {
    refuseProblems(current, lines);
    if (!cancelsEverythingLeft(current, lines)) return cancelOrderLines(ports, orderId, lines);
  }
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

/**
 * Cancels some units before they leave: they come out of their shipments and their reservations
 * are released in the same transaction as the order's new version, conditional on the version
 * read, so a dispatch writing at the same moment either comes first (the units left: 409, offer a
 * return) or finds the smaller parcel. A shipment left empty has its waiting task failed with
 * ShipmentLinesCancelled: that branch of the workflow ends, the others go on.
 */
async function cancelOrderLines(ports: CancelPorts, orderId: string, lines: RequestedLine[]) {
  const products = await ports.network.getProducts(lines.map((l) => l.sku));
  const kits = new Map([...products].flatMap(([sku, p]) => (p.kit?.length ? [[sku, p.kit] as const] : [])));
  const tokens: string[] = [];
  const { after } = await changeOrder(ports.orders, orderId, (order) => {
    tokens.length = 0;
    if (order.cancelRequested || isTerminal(order.status))
      throw new Conflict(`order ${orderId} can no longer be cancelled (status ${order.status})`);
    refuseProblems(order, lines);
    const result = cancelLines(order, lines, kits, ports.clock.now());
    if (!result.ok)
      throw new Conflict(
        `${lines[result.index]?.quantity} ${result.sku} cannot be cancelled: only ${result.cancellable} have not ` +
          `been dispatched yet. Once delivered, the others can be sent back: POST /orders/${orderId}/returns`,
        {
          errors: [
            {
              field: `lines.${result.index}.quantity`,
              message: `at most ${result.cancellable} not yet dispatched`,
            },
          ],
        },
      );
    const waiting = { ...order.waiting };
    for (const s of result.emptied) {
      const task = waiting[s.shipmentId];
      if (task) tokens.push(task.token);
      delete waiting[s.shipmentId];
    }
    const unprepared = result.emptied.filter((s) => s.capacityDay);
    const freed = new Set(unprepared.map((s) => s.shipmentId));
    return {
      order: {
        ...result.order,
        waiting,
        shipments: result.order.shipments.map((s) =>
          freed.has(s.shipmentId) ? { ...s, capacityDay: undefined } : s,
        ),
      },
      stock: result.releases,
      capacity: { release: slotsHeldBy(unprepared) },
    };
  });
  await Promise.all(
    tokens.map((token) =>
      ports.workflows.failTask(
        token,
        'ShipmentLinesCancelled',
        taskFailureCause('cancelled by the customer'),
      ),
    ),
  );
  return { orderId, status: after.status, cancelledLines: after.cancelledLines ?? [] };
}

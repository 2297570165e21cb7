import { ordersToWake } from '../core/inventory/backorders.ts';
import { OrderCancelled } from '../shared/errors.ts';
import { changeOrder } from './order-access.ts';
import type { AppPorts, StoredOrder, StoredSupply } from './ports.ts';

/** Where a backordered order keeps its waiting task's token (shipments use their own ids). */
export const backorderWait = 'BACKORDER';

function withoutBackorderWait(order: StoredOrder): StoredOrder {
  const waiting = { ...order.waiting };
  delete waiting[backorderWait];
  return { ...order, waiting };
}

/**
 * The workflow waits, at no cost, for a receipt of the supply the order counts on: the task token is
 * recorded on the order, so that the receipt completes the task. A receipt that came first (the
 * order is marked woken) settles the task at once; a cancellation fails it.
 */
export async function awaitSupply(
  ports: Pick<AppPorts, 'orders' | 'workflows'>,
  orderId: string,
  token: string,
) {
  const { after } = await changeOrder(ports.orders, orderId, (current) => {
    if (current.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
    if (current.status !== 'BACKORDERED' || current.backorder?.wokenBy) return undefined;
    return {
      order: { ...current, waiting: { ...current.waiting, [backorderWait]: { stage: 'supply', token } } },
    };
  });
  if (after.waiting?.[backorderWait]?.token === token) return { outcome: 'wait' };
  await ports.workflows.completeTask(token, { wokenBy: after.backorder?.wokenBy ?? null });
  return { outcome: 'woken' };
}

/**
 * A receipt wakes the orders waiting for its SKU, oldest first: those that claimed it, then others
 * the units nobody claimed can fill. Each order is marked woken before its task is told, so that a
 * workflow that was not waiting yet finds the mark; the woken workflow allocates from stock again.
 * The task token leaves the order only once Step Functions took the answer: a wake cut off between
 * the two (a crash, a throttled SendTaskSuccess) is finished by the next one for the same supply.
 */
export async function wakeBackorders(
  ports: Pick<AppPorts, 'orders' | 'workflows' | 'supply'>,
  supply: StoredSupply,
): Promise<string[]> {
  const waiting = await ports.supply.backordersOf(supply.sku);
  const woken: string[] = [];
  for (const orderId of ordersToWake(supply.supplyId, supply.unclaimed ?? supply.quantity, waiting)) {
    const { after } = await changeOrder(ports.orders, orderId, (order) =>
      order.status === 'BACKORDERED' && order.backorder && !order.backorder.wokenBy
        ? { order: { ...order, backorder: { ...order.backorder, wokenBy: supply.supplyId } } }
        : undefined,
    );
    if (after.status !== 'BACKORDERED' || after.backorder?.wokenBy !== supply.supplyId) continue;
    woken.push(orderId);
    const token = after.waiting?.[backorderWait]?.token;
    if (!token) continue;
    await ports.workflows.completeTask(token, { wokenBy: supply.supplyId });
    await changeOrder(ports.orders, orderId, (order) =>
      order.waiting?.[backorderWait]?.token === token ? { order: withoutBackorderWait(order) } : undefined,
    );
  }
  return woken;
}

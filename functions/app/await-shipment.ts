import { findShipment } from '../core/orders/order.ts';
import { OrderCancelled } from '../shared/errors.ts';
import { changeOrder } from './order-access.ts';
import type { AppPorts, StoredOrder, WaitingStage } from './ports.ts';
import { taskFailureCause } from './workflow-failure.ts';

type WaitPorts = Pick<AppPorts, 'orders' | 'workflows'>;

function waitingOn(order: StoredOrder, shipmentId: string, stage: WaitingStage, token: string): StoredOrder {
  return { ...order, waiting: { ...order.waiting, [shipmentId]: { stage, token } } };
}

/**
 * The workflow waits, at no cost, for the location's confirmation or rejection: the task token is
 * recorded against the shipment, so that the HTTP answer completes the task. If the location
 * answered before the workflow got here, the task is settled at once with that answer.
 */
export async function awaitPick(ports: WaitPorts, orderId: string, shipmentId: string, token: string) {
  const { after: order } = await changeOrder(ports.orders, orderId, (current) => {
    if (current.cancelRequested) throw new OrderCancelled(`order ${orderId} was cancelled`);
    const live = findShipment(current, shipmentId);
    if (live?.status !== 'ALLOCATED' || live.rejection) return undefined; // the location answered first
    return { order: waitingOn(current, shipmentId, 'pick', token) };
  });
  const live = findShipment(order, shipmentId);
  if (order.waiting?.[shipmentId]?.token === token) return { outcome: 'wait' };
  if (live?.rejection && live.status === 'ALLOCATED') {
    await ports.workflows.failTask(token, 'ShipmentRejected', taskFailureCause(live.rejection.reason));
    return { outcome: 'rejected' };
  }
  if (live?.status === 'PACKED' || live?.status === 'READY_FOR_PICKUP') {
    await ports.workflows.completeTask(token, { packages: live.packages ?? [] });
    return { outcome: 'packed' };
  }
  throw new OrderCancelled(`shipment ${shipmentId} is no longer awaiting its location (${live?.status})`);
}

const arrived = { delivery: 'DELIVERED', collection: 'COLLECTED' } as const;

/**
 * The workflow waits for the carrier's DELIVERED (through the webhook, the bus and the tracking
 * use case), or for the customer's collection at the store. If that happened before the workflow
 * got here, the task completes at once; a cancellation of a parcel awaiting collection fails it.
 */
export async function awaitArrival(
  ports: WaitPorts,
  orderId: string,
  shipmentId: string,
  stage: 'delivery' | 'collection',
  token: string,
) {
  const outcomeOf = (order: StoredOrder) => {
    if (findShipment(order, shipmentId)?.status === arrived[stage]) return 'done';
    return order.cancelRequested && stage === 'collection' ? 'cancelled' : 'wait';
  };
  const { after: order } = await changeOrder(ports.orders, orderId, (current) =>
    outcomeOf(current) === 'wait' ? { order: waitingOn(current, shipmentId, stage, token) } : undefined,
  );
  const outcome = order.waiting?.[shipmentId]?.token === token ? 'wait' : outcomeOf(order);
  if (outcome === 'done') await ports.workflows.completeTask(token, { status: arrived[stage] });
  if (outcome === 'cancelled')
    await ports.workflows.failTask(token, 'OrderCancelled', taskFailureCause('cancelled'));
  return { outcome };
}

import { type WaitSignal, waitSignal } from '../core/orders/incidents.ts';
import { wasEmptiedByCancellation } from '../core/orders/line-cancellation.ts';
import { findShipment } from '../core/orders/order.ts';
import { OrderCancelled, ShipmentLinesCancelled } from '../shared/errors.ts';
import { changeOrder, withoutWaiting } from './order-access.ts';
import type { AppPorts, StoredOrder, WaitingStage } from './ports.ts';
import { taskFailureCause } from './workflow-failure.ts';

type WaitPorts = Pick<AppPorts, 'orders' | 'workflows'>;

type PickSignal = { kind: 'packed'; packages: { weightKg: number }[] } | { kind: 'rejected'; reason: string };

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
    if (wasEmptiedByCancellation(current, live))
      throw new ShipmentLinesCancelled(`every unit of ${shipmentId} was cancelled`);
    if (live?.status !== 'ALLOCATED' || live.rejection) return undefined; // the location answered first
    return { order: waitingOn(current, shipmentId, 'pick', token) };
  });
  if (order.waiting?.[shipmentId]?.token === token) return { outcome: 'wait' };
  const signal = pickSignal(order, shipmentId);
  if (!signal) {
    const status = findShipment(order, shipmentId)?.status;
    throw new OrderCancelled(`shipment ${shipmentId} is no longer awaiting its location (${status})`);
  }
  await send(ports, token, signal);
  return { outcome: signal.kind };
}

/** What the location answered, as recorded on the shipment: packed (or ready), rejected, or nothing yet. */
function pickSignal(order: StoredOrder, shipmentId: string): PickSignal | undefined {
  const live = findShipment(order, shipmentId);
  if (live?.rejection && live.status === 'ALLOCATED')
    return { kind: 'rejected', reason: live.rejection.reason };
  if (live?.status === 'PACKED' || live?.status === 'READY_FOR_PICKUP')
    return { kind: 'packed', packages: live.packages ?? [] };
  return undefined;
}

/** Tells the waiting task what became of its shipment: ends the wait, or fails it with the named error its Catch routes. */
async function send(ports: WaitPorts, token: string, signal: WaitSignal | PickSignal): Promise<boolean> {
  switch (signal.kind) {
    case 'packed':
      return ports.workflows.completeTask(token, { packages: signal.packages });
    case 'rejected':
      return ports.workflows.failTask(token, 'ShipmentRejected', taskFailureCause(signal.reason));
    case 'arrived':
      return ports.workflows.completeTask(token, { status: signal.status });
    case 'lost':
      return ports.workflows.failTask(token, 'ShipmentLost', taskFailureCause(signal.reason));
    case 'returning':
      return ports.workflows.failTask(token, 'ShipmentReturning', taskFailureCause(signal.reason));
    case 'cancelled':
      return ports.workflows.failTask(token, 'OrderCancelled', taskFailureCause('cancelled'));
    case 'lines-cancelled':
      return ports.workflows.failTask(token, 'ShipmentLinesCancelled', taskFailureCause('cancelled'));
  }
}

/**
 * After a change to the order: if a task waits on this shipment and the change settles its wait,
 * the task is told, and only once Step Functions took the answer is the token removed from the
 * order. A failed send throws, so that the event that caused it is redelivered and sends again.
 */
export async function signalWaitingTask(ports: WaitPorts, order: StoredOrder, shipmentId: string) {
  const waiting = order.waiting?.[shipmentId];
  if (!waiting || waiting.stage === 'supply') return;
  const signal =
    waiting.stage === 'pick' ? pickSignal(order, shipmentId) : waitSignal(order, shipmentId, waiting.stage);
  if (!signal) return;
  await send(ports, waiting.token, signal);
  await changeOrder(ports.orders, order.orderId, (current) =>
    current.waiting?.[shipmentId]?.token === waiting.token
      ? { order: withoutWaiting(current, shipmentId) }
      : undefined,
  );
}

/**
 * The workflow waits: for the carrier's DELIVERED (through the webhook, the bus and the tracking
 * use case), for the customer's collection at the store, or for a parcel the carrier sends back.
 * If what it waits for happened before it got here (an arrival, an incident, a cancellation of a
 * parcel awaiting collection), the task is settled at once.
 */
export async function awaitArrival(
  ports: WaitPorts,
  orderId: string,
  shipmentId: string,
  stage: 'delivery' | 'collection' | 'return',
  token: string,
) {
  const { after: order } = await changeOrder(ports.orders, orderId, (current) =>
    waitSignal(current, shipmentId, stage)
      ? undefined
      : { order: waitingOn(current, shipmentId, stage, token) },
  );
  if (order.waiting?.[shipmentId]?.token === token) return { outcome: 'wait' };
  const signal = waitSignal(order, shipmentId, stage);
  if (signal) await send(ports, token, signal);
  return { outcome: signal?.kind ?? 'wait' };
}

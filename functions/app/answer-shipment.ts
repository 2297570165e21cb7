import { movements, type StockMovement } from '../core/inventory/movements.ts';
import { findShipment, isAwaitingPick, updateShipment } from '../core/orders/order.ts';
import type { Shipment } from '../core/orders/types.ts';
import { Conflict } from '../shared/errors.ts';
import { changeOrder, requireOrderOfShipment, withoutWaiting } from './order-access.ts';
import type { AppPorts, StoredOrder, WaitingStage } from './ports.ts';
import { taskFailureCause } from './workflow-failure.ts';

type AnswerPorts = Pick<AppPorts, 'orders' | 'workflows' | 'clock'>;

/** What the outside world says about a shipment the workflow waits on (a location, a customer). */
interface ShipmentAnswer {
  stage: WaitingStage;
  /** whether the shipment can take this answer now; otherwise 409 with `refusal` */
  accepts: (shipment: Shipment, order: StoredOrder) => boolean;
  refusal: string;
  change: (shipment: Shipment) => Shipment;
  stock?: (shipment: Shipment) => StockMovement[];
  detail?: (shipment: Shipment) => string;
  /** settles the waiting task, if the workflow already waits at this stage */
  settle: (token: string) => Promise<boolean>;
}

/**
 * Records an answer on the shipment and, when the workflow already waits at that stage, settles its
 * task. When it does not wait yet, its step finds the answer recorded and settles the task itself.
 */
async function answerShipment(ports: AnswerPorts, shipmentId: string, answer: ShipmentAnswer) {
  const { orderId } = await requireOrderOfShipment(ports.orders, shipmentId);
  let token: string | undefined;
  const { after } = await changeOrder(ports.orders, orderId, (order) => {
    const shipment = findShipment(order, shipmentId);
    if (!shipment || !answer.accepts(shipment, order))
      throw new Conflict(`shipment ${shipmentId} ${answer.refusal} (status ${shipment?.status})`);
    const waiting = order.waiting?.[shipmentId];
    token = waiting?.stage === answer.stage ? waiting.token : undefined;
    const next = updateShipment(
      order,
      shipmentId,
      answer.change,
      ports.clock.now(),
      answer.detail?.(shipment),
    );
    return { order: token ? withoutWaiting(next, shipmentId) : next, stock: answer.stock?.(shipment) };
  });
  if (token) await answer.settle(token);
  return findShipment(after, shipmentId);
}

const statusAfterPick = (shipment: Shipment) =>
  shipment.mode === 'home' ? ('PACKED' as const) : ('READY_FOR_PICKUP' as const);

/** The location has picked and packed: packed for a carrier, or ready for the customer to collect. */
export async function confirmShipment(
  ports: AnswerPorts,
  shipmentId: string,
  packages: { weightKg: number }[] | undefined,
) {
  const shipment = await answerShipment(ports, shipmentId, {
    stage: 'pick',
    accepts: isAwaitingPick,
    refusal: 'is not awaiting a pick confirmation',
    change: (s) => ({ ...s, status: statusAfterPick(s), packages }),
    detail: (s) => `${shipmentId} ${statusAfterPick(s)}`,
    settle: (token) => ports.workflows.completeTask(token, { packages: packages ?? [] }),
  });
  return { shipmentId, status: shipment?.status };
}

/** The location cannot ship: the workflow re-sources these lines elsewhere (ShipmentRejected). */
export async function rejectShipment(ports: AnswerPorts, shipmentId: string, reason: string) {
  await answerShipment(ports, shipmentId, {
    stage: 'pick',
    accepts: isAwaitingPick,
    refusal: 'is not awaiting a pick confirmation',
    change: (s) => ({ ...s, rejection: { reason } }),
    settle: (token) => ports.workflows.failTask(token, 'ShipmentRejected', taskFailureCause(reason)),
  });
  return { shipmentId, status: 'REJECTED' as const };
}

/** The customer took the parcel at the store: on hand drops now, and the reservation with it. */
export async function collectShipment(ports: AnswerPorts, shipmentId: string) {
  await answerShipment(ports, shipmentId, {
    stage: 'collection',
    accepts: (s, order) => s.status === 'READY_FOR_PICKUP' && !order.cancelRequested,
    refusal: 'is not ready for pickup',
    change: (s) => ({ ...s, status: 'COLLECTED', reservation: 'consumed' }),
    stock: (s) => movements('consume', s.locationId, s.lines),
    detail: () => `${shipmentId} COLLECTED`,
    settle: (token) => ports.workflows.completeTask(token, { collected: true }),
  });
  return { shipmentId, status: 'COLLECTED' as const };
}

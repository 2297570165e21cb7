import { movements, type StockMovement } from '../core/inventory/movements.ts';
import { holdUntil } from '../core/orders/holds.ts';
import { findShipment, holdingLocation, isAwaitingPick, updateShipment } from '../core/orders/order.ts';
import type { Shipment } from '../core/orders/types.ts';
import { Conflict } from '../shared/errors.ts';
import { signalWaitingTask } from './await-shipment.ts';
import { changeOrder, requireOrderOfShipment } from './order-access.ts';
import type { AppPorts, StoredOrder, WaitingStage } from './ports.ts';

type AnswerPorts = Pick<AppPorts, 'orders' | 'workflows' | 'clock'>;
type ConfirmPorts = AnswerPorts & Pick<AppPorts, 'network'>;

/** What the outside world says about a shipment the workflow waits on (a location, a customer). */
interface ShipmentAnswer {
  /** the stages whose waiting task this answer settles */
  stages: WaitingStage[];
  /** whether the shipment can take this answer now; otherwise 409 with `refusal` */
  accepts: (shipment: Shipment, order: StoredOrder) => boolean;
  /** whether the shipment already holds this answer (a retry after the task was not told) */
  holds: (shipment: Shipment) => boolean;
  refusal: string;
  change: (shipment: Shipment) => Shipment;
  stock?: (shipment: Shipment) => StockMovement[];
  detail?: (shipment: Shipment) => string;
}

/**
 * Records an answer on the shipment, then tells the workflow if it already waits at that stage;
 * the task token leaves the order only once Step Functions took the answer, so a crash in between
 * loses nothing: the retried answer finds itself recorded and tells the task again. When the
 * workflow does not wait yet, its step finds the answer recorded and settles the task itself.
 */
async function answerShipment(ports: AnswerPorts, shipmentId: string, answer: ShipmentAnswer) {
  const { orderId } = await requireOrderOfShipment(ports.orders, shipmentId);
  const { after } = await changeOrder(ports.orders, orderId, (order) => {
    const shipment = findShipment(order, shipmentId);
    const waitingStage = order.waiting?.[shipmentId]?.stage;
    const untold = waitingStage !== undefined && answer.stages.includes(waitingStage);
    if (shipment && untold && answer.holds(shipment)) return undefined;
    if (!shipment || !answer.accepts(shipment, order))
      throw new Conflict(`shipment ${shipmentId} ${answer.refusal} (status ${shipment?.status})`);
    const next = updateShipment(
      order,
      shipmentId,
      answer.change,
      ports.clock.now(),
      answer.detail?.(shipment),
    );
    return { order: next, stock: answer.stock?.(shipment) };
  });
  await signalWaitingTask(ports, after, shipmentId);
  return findShipment(after, shipmentId);
}

/** A parcel for a carrier (home delivery, or a transfer to the collecting store) is packed; else ready. */
const statusAfterPick = (shipment: Shipment) =>
  shipment.mode === 'home' || shipment.transferTo ? ('PACKED' as const) : ('READY_FOR_PICKUP' as const);

/**
 * The location has picked and packed: packed for a carrier, or ready for the customer to collect,
 * which starts the store's hold (how long the parcel is kept for the customer).
 */
export async function confirmShipment(
  ports: ConfirmPorts,
  shipmentId: string,
  packages: { weightKg: number }[] | undefined,
) {
  const order = await requireOrderOfShipment(ports.orders, shipmentId);
  const mode = findShipment(order, shipmentId)?.mode ?? order.delivery.mode;
  const store = mode === 'home' ? undefined : await ports.network.getLocation(order.delivery.storeId ?? '');
  const shipment = await answerShipment(ports, shipmentId, {
    stages: ['pick'],
    accepts: isAwaitingPick,
    holds: (s) => s.status === statusAfterPick(s),
    refusal: 'is not awaiting a pick confirmation',
    change: (s) => ({
      ...s,
      status: statusAfterPick(s),
      packages,
      // a transfer is held from its arrival at the store, not from its pick at the origin
      holdUntil: s.mode === 'home' || s.transferTo ? undefined : holdUntil(s.mode, store, ports.clock.now()),
    }),
    detail: (s) => `${shipmentId} ${statusAfterPick(s)}`,
  });
  return { shipmentId, status: shipment?.status };
}

/** The location cannot ship: the workflow re-sources these lines elsewhere (ShipmentRejected). */
export async function rejectShipment(
  ports: AnswerPorts & Pick<AppPorts, 'metrics'>,
  shipmentId: string,
  reason: string,
) {
  await answerShipment(ports, shipmentId, {
    stages: ['pick'],
    accepts: isAwaitingPick,
    holds: (s) => s.status === 'ALLOCATED' && s.rejection !== undefined,
    refusal: 'is not awaiting a pick confirmation',
    change: (s) => ({ ...s, rejection: { reason } }),
  });
  ports.metrics.count('ShipmentsRejected');
  return { shipmentId, status: 'REJECTED' as const };
}

/** The customer took the parcel at the store: on hand drops now, and the reservation with it. */
export async function collectShipment(ports: AnswerPorts, shipmentId: string) {
  await answerShipment(ports, shipmentId, {
    // a transfer's task waits from its dispatch to its collection (`arrivalWait.transfer`)
    stages: ['collection', 'delivery'],
    accepts: (s, order) => s.status === 'READY_FOR_PICKUP' && !order.cancelRequested,
    holds: (s) => s.status === 'COLLECTED',
    refusal: 'is not ready for pickup',
    change: (s) => ({ ...s, status: 'COLLECTED', reservation: 'consumed' }),
    stock: (s) => movements('consume', holdingLocation(s), s.lines),
    detail: () => `${shipmentId} COLLECTED`,
  });
  return { shipmentId, status: 'COLLECTED' as const };
}

import type { Order, OrderStatus, Shipment, ShipmentStatus } from './types.ts';

export const terminalOrderStatuses: ReadonlySet<OrderStatus> = new Set([
  'DELIVERED',
  'COLLECTED',
  'CANCELLED',
  'REJECTED',
]);

const terminalShipmentStatuses: ReadonlySet<ShipmentStatus> = new Set([
  'DELIVERED',
  'COLLECTED',
  'CANCELLED',
  'LOST',
  'RETURNED_TO_SENDER',
]);

/** Stage of a parcel's journey; a carrier event may only move a shipment to the same or a later stage. */
const journeyStage: Record<ShipmentStatus, number> = {
  ALLOCATED: 0,
  PACKED: 1,
  READY_FOR_PICKUP: 2,
  DISPATCHED: 2,
  IN_TRANSIT: 3,
  EXCEPTION: 3,
  OUT_FOR_DELIVERY: 4,
  DELIVERY_FAILED: 4,
  AVAILABLE_FOR_PICKUP: 4,
  DELIVERED: 5,
  COLLECTED: 5,
  LOST: 5,
  RETURNED_TO_SENDER: 5,
  CANCELLED: 6,
};

/** The stage a status stands for on the journey (an EXCEPTION can happen at any stage: see nextShipmentStatus). */
export function stageOf(status: ShipmentStatus): number {
  return journeyStage[status];
}

/** Statuses after which the units have left the location: the shipment can no longer be cancelled. */
const dispatchedStatuses: ReadonlySet<ShipmentStatus> = new Set([
  'DISPATCHED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'DELIVERY_FAILED',
  'AVAILABLE_FOR_PICKUP',
  'EXCEPTION',
  'LOST',
  'RETURNED_TO_SENDER',
  'COLLECTED',
]);

export function isDispatched(shipment: Shipment): boolean {
  return dispatchedStatuses.has(shipment.status);
}

export function isTerminalShipment(status: ShipmentStatus): boolean {
  return terminalShipmentStatuses.has(status);
}

/**
 * The status a shipment takes when a carrier reports `incoming`, or undefined when the report must
 * be ignored: a terminal shipment never changes, and a late event never moves it back before the
 * furthest stage it reached (`reached`, by default its current status's). DELIVERY_FAILED and
 * OUT_FOR_DELIVERY share a stage so that another attempt can follow a failure; an EXCEPTION is no
 * stage of the journey: it applies wherever the parcel is, and the parcel may go on from there.
 */
export function nextShipmentStatus(
  current: ShipmentStatus,
  incoming: ShipmentStatus,
  reached: number = journeyStage[current],
): ShipmentStatus | undefined {
  if (terminalShipmentStatuses.has(current) || current === incoming) return undefined;
  if (incoming === 'EXCEPTION') return incoming;
  if (journeyStage[incoming] < reached) return undefined;
  return incoming;
}

/**
 * An order's status follows its live shipments: a cancelled one, one replaced after an incident,
 * and one refunded after an incident no longer count. An order left with nothing but refunded
 * parcels is CANCELLED: nothing reached the customer, who was paid back.
 */
export function deriveOrderStatus(order: Pick<Order, 'status' | 'shipments' | 'incidents'>): OrderStatus {
  if (order.status === 'CANCELLED' || order.status === 'REJECTED') return order.status;
  const refunded = new Set(
    (order.incidents ?? []).filter((i) => i.resolution === 'refunded').map((i) => i.shipmentId),
  );
  const live = order.shipments.filter(
    (s) => s.status !== 'CANCELLED' && !s.replacedBy && !refunded.has(s.shipmentId),
  );
  if (live.length === 0) return refunded.size > 0 ? 'CANCELLED' : order.status;
  const statuses = live.map((s) => s.status);
  const all = (wanted: ShipmentStatus[]) => statuses.every((s) => wanted.includes(s));
  const some = (wanted: ShipmentStatus[]) => statuses.some((s) => wanted.includes(s));
  if (all(['COLLECTED'])) return 'COLLECTED';
  if (all(['DELIVERED', 'COLLECTED'])) return 'DELIVERED';
  if (some(['READY_FOR_PICKUP']) && all(['READY_FOR_PICKUP', 'DELIVERED', 'COLLECTED']))
    return 'READY_FOR_PICKUP';
  if (some([...dispatchedStatuses])) return 'SHIPPED';
  if (some(['PACKED', 'READY_FOR_PICKUP'])) return 'IN_FULFILLMENT';
  return 'ALLOCATED';
}

export function isTerminal(status: OrderStatus): boolean {
  return terminalOrderStatuses.has(status);
}

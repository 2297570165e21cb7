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
  DELIVERED: 5,
  COLLECTED: 5,
  LOST: 5,
  CANCELLED: 6,
};

/** Statuses after which the units have left the location: the shipment can no longer be cancelled. */
const dispatchedStatuses: ReadonlySet<ShipmentStatus> = new Set([
  'DISPATCHED',
  'IN_TRANSIT',
  'OUT_FOR_DELIVERY',
  'DELIVERED',
  'DELIVERY_FAILED',
  'EXCEPTION',
  'LOST',
  'COLLECTED',
]);

export function isDispatched(shipment: Shipment): boolean {
  return dispatchedStatuses.has(shipment.status);
}

/**
 * The status a shipment takes when a carrier reports `incoming`, or undefined when the report must
 * be ignored: a terminal shipment never changes, and a late event never moves it back a stage
 * (DELIVERY_FAILED and OUT_FOR_DELIVERY share a stage so that another attempt can follow a failure).
 */
export function nextShipmentStatus(
  current: ShipmentStatus,
  incoming: ShipmentStatus,
): ShipmentStatus | undefined {
  if (terminalShipmentStatuses.has(current) || current === incoming) return undefined;
  if (journeyStage[incoming] < journeyStage[current]) return undefined;
  return incoming;
}

/** An order's status follows its shipments. */
export function deriveOrderStatus(order: Pick<Order, 'status' | 'shipments'>): OrderStatus {
  if (order.status === 'CANCELLED' || order.status === 'REJECTED') return order.status;
  const live = order.shipments.filter((s) => s.status !== 'CANCELLED');
  if (live.length === 0) return order.status;
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

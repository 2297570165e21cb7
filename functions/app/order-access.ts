import { NotFound } from '../shared/errors.ts';
import { orderChanges } from './events.ts';
import { optimistically } from './optimistic.ts';
import type { OrderChange, OrderRepository, StoredOrder } from './ports.ts';

export async function requireOrder(orders: OrderRepository, orderId: string): Promise<StoredOrder> {
  const order = await orders.get(orderId);
  if (!order) throw new NotFound(`order ${orderId} does not exist`);
  return order;
}

/** The order holding a shipment, by the shipment's index item; NotFound when unknown. */
export async function requireOrderOfShipment(
  orders: OrderRepository,
  shipmentId: string,
): Promise<StoredOrder> {
  const orderId = await orders.orderIdOfShipment(shipmentId);
  if (!orderId) throw new NotFound(`shipment ${shipmentId} does not exist`);
  return requireOrder(orders, orderId);
}

/**
 * Saves a change of `before` with everything it announces: the events its use case names, and the
 * ones the change itself implies (each shipment status it moves, the delivery it completes), so
 * that no use case can forget those. All commit together, through the outbox.
 */
export function saveOrderChange(
  orders: OrderRepository,
  before: StoredOrder,
  change: OrderChange,
): Promise<StoredOrder> {
  return orders.save({
    ...change,
    events: [...(change.events ?? []), ...orderChanges(before, change.order)],
  });
}

/**
 * Reads the order, lets `decide` choose the change, saves it on the condition that the order did
 * not move meanwhile, and decides again from a fresh read when it did. `decide` returns undefined
 * when nothing needs to change (which makes retried steps idempotent). Answers the order before
 * and after the change.
 */
export async function changeOrder(
  orders: OrderRepository,
  orderId: string,
  decide: (order: StoredOrder) => OrderChange | undefined,
): Promise<{ before: StoredOrder; after: StoredOrder }> {
  return optimistically(`order ${orderId}`, async () => {
    const before = await requireOrder(orders, orderId);
    const change = decide(before);
    if (!change) return { done: { before, after: before } };
    return { done: { before, after: await saveOrderChange(orders, before, change) } };
  });
}

/** Saves an order without the waiting task of a shipment: the task is about to be completed. */
export function withoutWaiting(order: StoredOrder, shipmentId: string): StoredOrder {
  const waiting = { ...order.waiting };
  delete waiting[shipmentId];
  return { ...order, waiting };
}

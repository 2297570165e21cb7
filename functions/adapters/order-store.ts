import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { findShipment, updateShipment } from '../core/orders/order.ts';
import type { Order, Shipment } from '../core/orders/types.ts';
import { Conflict, NotFound, ReservationConflict, VersionConflict } from '../shared/errors.ts';
import { config } from './config.ts';
import { documentClient } from './dynamodb.ts';
import { keys, withoutKeys } from './keys.ts';
import { type StockMovement, stockMovementItem } from './stock-movements.ts';
import { type TransactItem, writeTransaction } from './transactions.ts';

/** Callback tokens of the workflow tasks waiting on a shipment, kept on the order, never shown. */
export type WaitingTasks = Record<string, { stage: 'pick' | 'delivery' | 'collection'; token: string }>;
export type StoredOrder = Order & { waiting?: WaitingTasks };

export interface OrderChange {
  order: StoredOrder;
  stock?: StockMovement[];
  /** shipment ids and tracking numbers to index, written in the same transaction */
  shipmentPointers?: string[];
  trackingPointers?: { trackingNumber: string; shipmentId: string; carrierId: string }[];
  /** more conditional writes that must commit with the order (capacity counters); a refusal is a ReservationConflict */
  conditions?: TransactItem[];
}

function orderItem(order: StoredOrder) {
  return {
    ...keys.order(order.orderId),
    ...keys.ordersIndex(order.createdAt, order.orderId),
    entity: 'order',
    ...order,
  };
}

export async function getOrder(orderId: string): Promise<StoredOrder | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.ordersTable, Key: keys.order(orderId), ConsistentRead: true }),
  );
  return Item ? withoutKeys<StoredOrder>(Item) : undefined;
}

export async function requireOrder(orderId: string): Promise<StoredOrder> {
  const order = await getOrder(orderId);
  if (!order) throw new NotFound(`order ${orderId} does not exist`);
  return order;
}

/** Stores a new order; false when one with that id exists already. */
export async function createOrder(order: StoredOrder): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: config.ordersTable,
        Item: orderItem(order),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * Writes a changed order with its stock movements and index items in one transaction, on the
 * condition that nobody changed the order since it was read (optimistic locking on `version`).
 */
export async function saveOrder(change: OrderChange): Promise<StoredOrder> {
  const now = new Date().toISOString();
  const { order } = change;
  const saved = { ...order, version: order.version + 1 };
  const items: TransactItem[] = [
    {
      Put: {
        TableName: config.ordersTable,
        Item: orderItem(saved),
        ConditionExpression: '#v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': order.version },
      },
    },
    ...(change.stock ?? []).map((m) => stockMovementItem(m, now)),
    ...(change.shipmentPointers ?? []).map((shipmentId) => ({
      Put: { TableName: config.ordersTable, Item: { ...keys.shipment(shipmentId), orderId: order.orderId } },
    })),
    ...(change.trackingPointers ?? []).map((t) => ({
      Put: {
        TableName: config.ordersTable,
        Item: { ...keys.tracking(t.trackingNumber), orderId: order.orderId, ...t },
      },
    })),
    ...(change.conditions ?? []),
  ];
  const failed = await writeTransaction(items);
  if (failed === undefined) return saved;
  if (failed.includes(0))
    throw new VersionConflict(`order ${order.orderId} changed while it was being updated`);
  const movement = change.stock?.[(failed[0] ?? 1) - 1];
  const conflict = new ReservationConflict(
    movement
      ? `${movement.kind} of ${movement.quantity} ${movement.sku} at ${movement.locationId} refused`
      : 'a location has no preparation capacity left today',
  );
  conflict.locationId = movement?.locationId;
  throw conflict;
}

/**
 * Reads the order, applies `decide`, saves; on a version conflict reads again and re-decides.
 * `decide` returns undefined when nothing needs to change (which makes retried steps idempotent).
 */
export async function changeOrder(
  orderId: string,
  decide: (order: StoredOrder) => OrderChange | undefined,
  attempts = 5,
): Promise<StoredOrder> {
  for (let attempt = 1; ; attempt++) {
    const order = await requireOrder(orderId);
    const change = decide(order);
    if (!change) return order;
    try {
      return await saveOrder(change);
    } catch (error) {
      if (!(error instanceof VersionConflict) || attempt >= attempts) throw error;
    }
  }
}

export async function orderIdOfShipment(shipmentId: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.ordersTable, Key: keys.shipment(shipmentId) }),
  );
  return Item?.orderId as string | undefined;
}

export async function findTracking(
  trackingNumber: string,
): Promise<{ orderId: string; shipmentId: string; carrierId: string; returnId?: string } | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.ordersTable, Key: keys.tracking(trackingNumber) }),
  );
  if (!Item) return undefined;
  return {
    orderId: Item.orderId,
    shipmentId: Item.shipmentId,
    carrierId: Item.carrierId,
    returnId: Item.returnId,
  };
}

/** Records a carrier event id; false when it was seen before (a duplicated webhook). */
export async function recordCarrierEvent(
  carrierId: string,
  eventId: string,
  receivedAt: string,
): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: config.ordersTable,
        Item: { ...keys.carrierEvent(carrierId, eventId), receivedAt },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Forgets a carrier event id, so that a delivery that failed half-way can be retried. */
export async function forgetCarrierEvent(carrierId: string, eventId: string): Promise<void> {
  await documentClient.send(
    new DeleteCommand({ TableName: config.ordersTable, Key: keys.carrierEvent(carrierId, eventId) }),
  );
}

export async function listOrders(options: {
  status?: string | undefined;
  limit: number;
  next?: string | undefined;
}): Promise<{ items: StoredOrder[]; next?: string }> {
  const items: StoredOrder[] = [];
  let startKey: Record<string, unknown> | undefined = options.next
    ? JSON.parse(Buffer.from(options.next, 'base64url').toString('utf8'))
    : undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: config.ordersTable,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': 'ORDERS', ...(options.status ? { ':s': options.status } : {}) },
        ...(options.status
          ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } }
          : {}),
        ScanIndexForward: false,
        Limit: options.limit - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []).map((i) => withoutKeys<StoredOrder>(i)));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < options.limit);
  return startKey ? { items, next: Buffer.from(JSON.stringify(startKey)).toString('base64url') } : { items };
}

/** The order holding a shipment, by the shipment's index item; 404 when unknown. */
export async function requireOrderOfShipment(shipmentId: string): Promise<StoredOrder> {
  const orderId = await orderIdOfShipment(shipmentId);
  if (!orderId) throw new NotFound(`shipment ${shipmentId} does not exist`);
  return requireOrder(orderId);
}

/** Saves an order without the waiting task of a shipment: the task is about to be completed. */
export function withoutWaiting(order: StoredOrder, shipmentId: string): StoredOrder {
  const waiting = { ...order.waiting };
  delete waiting[shipmentId];
  return { ...order, waiting };
}

/** What the outside world says about a shipment the workflow waits on (a location, a customer). */
export interface ShipmentAnswer {
  stage: WaitingTasks[string]['stage'];
  /** whether the shipment can take this answer now; otherwise 409 with `refusal` */
  accepts: (shipment: Shipment, order: StoredOrder) => boolean;
  refusal: string;
  change: (shipment: Shipment) => Shipment;
  stock?: (shipment: Shipment) => StockMovement[];
  detail?: (shipment: Shipment) => string;
}

/**
 * Records an answer on the shipment and takes the waiting task's token when the workflow already
 * waits at that stage (the caller completes or fails the task). When it does not wait yet, its
 * step finds the answer recorded and settles the task itself.
 */
export async function answerShipment(
  shipmentId: string,
  answer: ShipmentAnswer,
): Promise<{ before: StoredOrder; after: StoredOrder; token?: string | undefined }> {
  const before = await requireOrderOfShipment(shipmentId);
  let token: string | undefined;
  const after = await changeOrder(before.orderId, (order) => {
    const shipment = findShipment(order, shipmentId);
    if (!shipment || !answer.accepts(shipment, order))
      throw new Conflict(`shipment ${shipmentId} ${answer.refusal} (status ${shipment?.status})`);
    const waiting = order.waiting?.[shipmentId];
    token = waiting?.stage === answer.stage ? waiting.token : undefined;
    const next = updateShipment(order, shipmentId, answer.change, new Date(), answer.detail?.(shipment));
    return { order: token ? withoutWaiting(next, shipmentId) : next, stock: answer.stock?.(shipment) };
  });
  return { before, after, token };
}

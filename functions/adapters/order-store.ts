import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CarrierEventLog, OrderChange, OrderRepository, StoredOrder } from '../app/ports.ts';
import { ReservationConflict, VersionConflict } from '../shared/errors.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { capacityClaimItem, capacityReleaseItem, stockMovementItem } from './stock-movements.ts';
import { conditionally, type TransactItem, writeTransaction } from './transactions.ts';

/**
 * The sourcing explanation (every candidate, every exclusion with its rule, the next best plan) is
 * most of an order's bytes and is read only to be shown: it is stored deflated beside the order's
 * fields, so each of the order's many writes costs a fraction of the write units, and the item
 * stays far below DynamoDB's 400 KB whatever the size of the network.
 */
const explanationAttribute = 'sourcingExplanationDeflated';

function orderItem(order: StoredOrder) {
  const { sourcing } = order;
  const explained =
    sourcing !== undefined && sourcing.explanation !== undefined && sourcing.explanation !== null;
  return {
    ...keys.order(order.orderId),
    ...keys.ordersIndex(order.createdAt, order.orderId),
    entity: 'order',
    ...order,
    ...(explained
      ? {
          sourcing: { ...sourcing, explanation: null },
          [explanationAttribute]: deflateRawSync(JSON.stringify(sourcing.explanation)),
        }
      : {}),
  };
}

function orderOf(item: Record<string, unknown>): StoredOrder {
  const { [explanationAttribute]: deflated, ...rest } = item;
  const order = withoutKeys<StoredOrder>(rest);
  if (deflated instanceof Uint8Array && order.sourcing)
    order.sourcing = {
      ...order.sourcing,
      explanation: JSON.parse(inflateRawSync(deflated).toString('utf8')),
    };
  return order;
}

/**
 * Orders in the Orders table (single-table: orders, shipment and tracking index items, returns),
 * written with their stock movements and capacity counters in one transaction, on the condition
 * that nobody changed the order since it was read (optimistic locking on `version`).
 */
export function dynamoOrders({ db, tables }: DynamoContext): OrderRepository {
  async function save(change: OrderChange): Promise<StoredOrder> {
    const now = new Date().toISOString();
    const { order } = change;
    const saved = { ...order, version: order.version + 1 };
    const stock = change.stock ?? [];
    const claims = change.capacity?.claim ?? [];
    const items: TransactItem[] = [
      {
        Put: {
          TableName: tables.orders,
          Item: orderItem(saved),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': order.version },
        },
      },
      ...stock.map((m) => stockMovementItem(tables.inventory, m, now)),
      ...claims.map((c) => capacityClaimItem(tables.inventory, c)),
      ...(change.capacity?.release ?? []).map((s) => capacityReleaseItem(tables.inventory, s)),
      ...(change.shipmentPointers ?? []).map((shipmentId) => ({
        Put: { TableName: tables.orders, Item: { ...keys.shipment(shipmentId), orderId: order.orderId } },
      })),
      ...(change.trackingPointers ?? []).map((t) => ({
        Put: {
          TableName: tables.orders,
          Item: { ...keys.tracking(t.trackingNumber), orderId: order.orderId, ...t },
        },
      })),
    ];
    // the order alone needs no transaction: a conditional put costs half the write units
    if (items.length === 1) {
      const written = await conditionally(() => db.send(new PutCommand(items[0]?.Put as PutCommandInput)));
      if (written) return saved;
      throw new VersionConflict(`order ${order.orderId} changed while it was being updated`);
    }
    const failed = await writeTransaction(db, items);
    if (failed === undefined) return saved;
    if (failed.includes(0))
      throw new VersionConflict(`order ${order.orderId} changed while it was being updated`);
    const index = (failed[0] ?? 1) - 1;
    const movement = stock[index];
    const claim = claims[index - stock.length];
    const conflict = new ReservationConflict(
      movement
        ? `${movement.kind} of ${movement.quantity} ${movement.sku} at ${movement.locationId} refused`
        : `${claim?.locationId ?? 'a location'} has no preparation capacity left on ${claim?.day ?? 'that day'}`,
    );
    conflict.locationId = movement?.locationId ?? claim?.locationId;
    throw conflict;
  }

  return {
    async get(orderId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.orders, Key: keys.order(orderId), ConsistentRead: true }),
      );
      return Item ? orderOf(Item) : undefined;
    },
    create: (order) =>
      conditionally(() =>
        db.send(
          new PutCommand({
            TableName: tables.orders,
            Item: orderItem(order),
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      ),
    save,
    async orderIdOfShipment(shipmentId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.orders, Key: keys.shipment(shipmentId) }),
      );
      return Item?.orderId as string | undefined;
    },
    async findTracking(trackingNumber) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.orders, Key: keys.tracking(trackingNumber) }),
      );
      if (!Item) return undefined;
      return {
        trackingNumber,
        orderId: Item.orderId,
        shipmentId: Item.shipmentId,
        carrierId: Item.carrierId,
        returnId: Item.returnId,
      };
    },
    async list(options) {
      const items: StoredOrder[] = [];
      let startKey: Record<string, unknown> | undefined = options.next
        ? JSON.parse(Buffer.from(options.next, 'base64url').toString('utf8'))
        : undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tables.orders,
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :pk',
            ExpressionAttributeValues: {
              ':pk': keys.ordersIndexPartition,
              ...(options.status ? { ':s': options.status } : {}),
            },
            ...(options.status
              ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } }
              : {}),
            ScanIndexForward: false,
            Limit: options.limit - items.length,
            ExclusiveStartKey: startKey,
          }),
        );
        items.push(...(page.Items ?? []).map(orderOf));
        startKey = page.LastEvaluatedKey;
      } while (startKey && items.length < options.limit);
      return startKey
        ? { items, next: Buffer.from(JSON.stringify(startKey)).toString('base64url') }
        : { items };
    },
  };
}

/** Carrier events seen, in the Orders table, one item per (carrier, parcel, event id). */
export function dynamoCarrierEvents({ db, tables }: DynamoContext): CarrierEventLog {
  return {
    async record(key, fingerprint, receivedAt) {
      const Key = keys.carrierEvent(key.carrierId, key.trackingNumber, key.eventId);
      const recorded = await conditionally(() =>
        db.send(
          new PutCommand({
            TableName: tables.orders,
            Item: { ...Key, fingerprint, receivedAt },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        ),
      );
      if (recorded) return 'new';
      const { Item } = await db.send(new GetCommand({ TableName: tables.orders, Key, ConsistentRead: true }));
      if (Item?.fingerprint === undefined || Item.fingerprint === fingerprint) return 'repeated';
      await db.send(
        new UpdateCommand({
          TableName: tables.orders,
          Key,
          UpdateExpression: 'SET conflicts = list_append(if_not_exists(conflicts, :none), :this)',
          ExpressionAttributeValues: { ':none': [], ':this': [{ fingerprint, receivedAt }] },
        }),
      );
      return 'conflicting';
    },
    async forget(key) {
      await db.send(
        new DeleteCommand({
          TableName: tables.orders,
          Key: keys.carrierEvent(key.carrierId, key.trackingNumber, key.eventId),
        }),
      );
    },
  };
}

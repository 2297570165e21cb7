import { randomUUID } from 'node:crypto';
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
import type { CapacityClaim } from '../core/inventory/capacity.ts';
import type { StockMovement } from '../core/inventory/movements.ts';
import { ReservationConflict, VersionConflict } from '../shared/errors.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { outboxItems } from './outbox.ts';
import { queryPrefix } from './queries.ts';
import {
  capacityClaimItem,
  capacityReleaseItem,
  capacityUnreleaseItem,
  stockMovementItem,
  stockMovementUndoItem,
} from './stock-movements.ts';
import { supplyClaimItems } from './supply-store.ts';
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

/** DynamoDB's limit of items per TransactWriteItems. */
const maxTransactionItems = 100;

/** Ledger entries of a crashed change are undone by the next attempt; left alone, they expire after a week. */
const ledgerExpiry = () => Math.floor(Date.now() / 1000) + 7 * 24 * 3600;

/** One write that commits with an order change, and how to take it back when the change is written in parts. */
interface Effect {
  item: TransactItem;
  undo?: TransactItem | undefined;
  movement?: StockMovement | undefined;
  claim?: CapacityClaim | undefined;
  /** set on the write that takes units of an expected supply */
  supplyId?: string | undefined;
}

/** The error for a stock movement or capacity claim whose condition refused the change. */
function refusal(effect: Effect | undefined): ReservationConflict {
  const movement = effect?.movement;
  const claim = effect?.claim;
  const conflict = new ReservationConflict(
    movement
      ? `${movement.kind} of ${movement.quantity} ${movement.sku} at ${movement.locationId} refused`
      : `${claim?.locationId ?? 'a location'} has no preparation capacity left on ${claim?.day ?? 'that day'}`,
  );
  conflict.locationId = movement?.locationId ?? claim?.locationId;
  return conflict;
}

/**
 * Orders in the Orders table (single-table: orders, shipment and tracking index items, returns),
 * written with their stock movements, capacity counters and the events they announce (outbox
 * items) in one transaction, on the condition that nobody changed the order since it was read
 * (optimistic locking on `version`).
 */
export function dynamoOrders({ db, tables }: DynamoContext): OrderRepository {
  const orderVersionIs = (order: StoredOrder) => ({
    ConditionExpression: '#v = :v',
    ExpressionAttributeNames: { '#v': 'version' },
    ExpressionAttributeValues: { ':v': order.version },
  });
  const changedMeanwhile = (order: StoredOrder) =>
    new VersionConflict(`order ${order.orderId} changed while it was being updated`);

  async function save(change: OrderChange): Promise<StoredOrder> {
    const now = new Date().toISOString();
    const { order } = change;
    const saved = { ...order, version: order.version + 1 };
    const orderPut: TransactItem = {
      Put: { TableName: tables.orders, Item: orderItem(saved), ...orderVersionIs(order) },
    };
    const effects = effectsOf(change, now);
    const announcements = outboxItems(tables.outbox, change.events);
    if (effects.length === 0 && announcements.length === 0) {
      // the order alone needs no transaction: a conditional put costs half the write units
      const written = await conditionally(() => db.send(new PutCommand(orderPut.Put as PutCommandInput)));
      if (written) return saved;
      throw changedMeanwhile(order);
    }
    if (effects.length + 1 + announcements.length > maxTransactionItems)
      return saveInParts(order, saved, orderPut, effects, announcements);
    // the events come last: a refused condition before them is an effect's
    const failed = await writeTransaction(db, [orderPut, ...effects.map((e) => e.item), ...announcements]);
    if (failed === undefined) return saved;
    if (failed.includes(0)) throw changedMeanwhile(order);
    const refused = effects[(failed[0] ?? 1) - 1];
    // another order claimed the supply first: decide again from a fresh reading
    if (refused?.supplyId)
      throw new VersionConflict(`supply ${refused.supplyId} was claimed by another order meanwhile`);
    throw refusal(refused);
  }

  /**
   * A change past DynamoDB's 100 items per transaction (an order of 100 lines): its effects are
   * written in parts, each with the order's version condition and a ledger entry of how to undo
   * it, then the order is written with the ledger entries' deletion. A refused part undoes the
   * parts before it; a crash leaves ledger entries that the next attempt (or the compensation)
   * undoes, so no reservation outlives an order change that never committed. The events commit
   * with the order, in the last transaction: none is announced for a change that did not commit.
   */
  async function saveInParts(
    order: StoredOrder,
    saved: StoredOrder,
    orderPut: TransactItem,
    effects: Effect[],
    announcements: TransactItem[],
  ): Promise<StoredOrder> {
    const ledgerParts = Math.ceil(effects.length / (maxTransactionItems - 2));
    // at most 20 shipments an order (the sourcing profile's bound) keep a change's events far below
    if (1 + ledgerParts + announcements.length > maxTransactionItems)
      throw new Error(`order ${order.orderId}: ${announcements.length} events do not fit one transaction`);
    await releaseUncommitted(order.orderId);
    const attempt = randomUUID();
    const perPart = maxTransactionItems - 2; // the order's condition and the ledger entry
    const ledger: Record<string, string>[] = [];
    const undoAll = () => Promise.all(ledger.map((key) => undoLedgerEntry(key)));
    for (let start = 0, part = 0; start < effects.length; start += perPart, part++) {
      const slice = effects.slice(start, start + perPart);
      const entry = keys.uncommittedEffects(order.orderId, attempt, part);
      let failed: number[] | undefined;
      try {
        failed = await writeTransaction(db, [
          {
            ConditionCheck: {
              TableName: tables.orders,
              Key: keys.order(order.orderId),
              ...orderVersionIs(order),
            },
          },
          {
            Put: {
              TableName: tables.orders,
              Item: {
                ...entry,
                attempt,
                part,
                undo: slice.flatMap((e) => (e.undo ? [e.undo] : [])),
                expiresAt: ledgerExpiry(),
              },
            },
          },
          ...slice.map((e) => e.item),
        ]);
      } catch (error) {
        await undoAll();
        throw error;
      }
      if (failed !== undefined) {
        await undoAll();
        if (failed.includes(0)) throw changedMeanwhile(order);
        throw refusal(slice[(failed[0] ?? 2) - 2]);
      }
      ledger.push(entry);
    }
    const failed = await writeTransaction(db, [
      orderPut,
      ...ledger.map((Key) => ({
        Delete: { TableName: tables.orders, Key, ConditionExpression: 'attribute_exists(PK)' },
      })),
      ...announcements,
    ]).catch(async (error) => {
      await undoAll();
      throw error;
    });
    if (failed === undefined) return saved;
    // the order moved, or another attempt's clean-up undid these parts: nothing of this one stays
    await undoAll();
    throw changedMeanwhile(order);
  }

  /** Undoes one ledger entry with its deletion, all or nothing; nothing when it is already gone. */
  async function undoLedgerEntry(key: Record<string, string>, entry?: Record<string, unknown>) {
    const item =
      entry ??
      (await db.send(new GetCommand({ TableName: tables.orders, Key: key, ConsistentRead: true }))).Item;
    if (!item) return;
    await writeTransaction(db, [
      { Delete: { TableName: tables.orders, Key: key, ConditionExpression: 'attribute_exists(PK)' } },
      ...((item.undo as TransactItem[] | undefined) ?? []),
    ]).catch((error) => {
      // another clean-up took it first: a concurrent transaction on the same entry is that one
      if (!(error instanceof VersionConflict)) throw error;
    });
  }

  async function releaseUncommitted(orderId: string): Promise<number> {
    const entries = await queryPrefix<{ attempt: string; part: number; undo: TransactItem[] }>(
      db,
      tables.orders,
      keys.uncommittedEffectsOf(orderId),
    );
    for (const entry of entries)
      await undoLedgerEntry(keys.uncommittedEffects(orderId, entry.attempt, entry.part), entry);
    return entries.length;
  }

  function effectsOf(change: OrderChange, now: string): Effect[] {
    const { orderId } = change.order;
    return [
      ...(change.stock ?? []).map((movement) => ({
        item: stockMovementItem(tables.inventory, movement, now),
        undo: stockMovementUndoItem(tables.inventory, movement),
        movement,
      })),
      ...(change.capacity?.claim ?? []).map((claim) => ({
        item: capacityClaimItem(tables.inventory, claim),
        undo: capacityReleaseItem(tables.inventory, claim, { unconditional: true }),
        claim,
      })),
      ...(change.capacity?.release ?? []).map((slot) => ({
        item: capacityReleaseItem(tables.inventory, slot),
        undo: capacityUnreleaseItem(tables.inventory, slot),
      })),
      ...(change.supplyClaims?.changes ?? []).flatMap((claimChange) => {
        const { since } = change.supplyClaims as { since: string };
        const { items, undo } = supplyClaimItems(tables.inventory, orderId, since, claimChange);
        const [record, entry] = items as [TransactItem, TransactItem];
        return [
          {
            item: record,
            undo: undo[0],
            supplyId: claimChange.delta > 0 ? claimChange.claim.supplyId : undefined,
          },
          { item: entry },
        ];
      }),
      // pointers to the order are idempotent: a retried change writes the same ones again
      ...(change.shipmentPointers ?? []).map((shipmentId) => ({
        item: { Put: { TableName: tables.orders, Item: { ...keys.shipment(shipmentId), orderId } } },
      })),
      ...(change.trackingPointers ?? []).map((t) => ({
        item: {
          Put: { TableName: tables.orders, Item: { ...keys.tracking(t.trackingNumber), orderId, ...t } },
        },
      })),
    ];
  }

  return {
    async get(orderId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tables.orders, Key: keys.order(orderId), ConsistentRead: true }),
      );
      return Item ? orderOf(Item) : undefined;
    },
    async create(order, events = []) {
      const put: TransactItem = {
        Put: {
          TableName: tables.orders,
          Item: orderItem(order),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      };
      if (events.length === 0)
        return conditionally(() => db.send(new PutCommand(put.Put as PutCommandInput)));
      return (await writeTransaction(db, [put, ...outboxItems(tables.outbox, events)])) === undefined;
    },
    save,
    releaseUncommitted,
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

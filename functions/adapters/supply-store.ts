import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredSupply, SupplyRepository, WaitingBackorder } from '../app/ports.ts';
import { type ClaimableArrival, claimedOf, type SupplyClaimChange } from '../core/inventory/backorders.ts';
import type { StockRow } from '../core/inventory/stock.ts';
import { byArrival, type ExpectedArrival, expectedArrival, type Supply } from '../core/inventory/supply.ts';
import { VersionConflict } from '../shared/errors.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { unchangedSince } from './inventory-store.ts';
import { keys, withoutKeys } from './keys.ts';
import { outboxItems } from './outbox.ts';
import { batchGet, queryPrefix } from './queries.ts';
import { stockMovementItem } from './stock-movements.ts';
import { type TransactItem, writeTransaction } from './transactions.ts';

/** A stock movement on the further condition that its row is still `row` (what its events tell). */
function alsoUnchangedSince(movement: TransactItem, row: StockRow | undefined): TransactItem {
  const update = movement.Update as NonNullable<TransactItem['Update']>;
  const unchanged = unchangedSince(row);
  return {
    Update: {
      ...update,
      ConditionExpression: update.ConditionExpression
        ? `(${update.ConditionExpression}) AND (${unchanged.ConditionExpression})`
        : unchanged.ConditionExpression,
      ExpressionAttributeValues: {
        ...update.ExpressionAttributeValues,
        ...('ExpressionAttributeValues' in unchanged ? unchanged.ExpressionAttributeValues : {}),
      },
    },
  };
}

/**
 * Two items per supply in the Inventory table: the record, found by id (`SUPPLY#<id>`), and, while
 * it is expected, an entry in its SKU's partition sorted by date (`SKU#<sku>` /
 * `SUPPLY#<expectedAt>#<id>`), so that one query lists a SKU's arrivals in order. Both change in one
 * transaction, guarded by the record's `version`.
 */
export function dynamoSupply({ db, tables }: DynamoContext): SupplyRepository {
  const table = tables.inventory;
  const entryOf = (supply: Supply) => ({
    ...keys.expectedSupply(supply.sku, supply.expectedAt, supply.supplyId),
    ...expectedArrival(supply),
  });
  /** A new supply: its record (every unit unclaimed) and its dated entry, written only if it is new. */
  const firstRecordItems = (next: Supply, now: string): TransactItem[] => [
    {
      Put: {
        TableName: table,
        Item: {
          ...keys.supply(next.supplyId),
          ...next,
          unclaimed: next.quantity,
          version: 1,
          createdAt: now,
          updatedAt: now,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    { Put: { TableName: table, Item: entryOf(next) } },
  ];
  /** false when an item moved under us: the caller reads again */
  const committed = async (items: TransactItem[]) => {
    try {
      return (await writeTransaction(db, items)) === undefined;
    } catch (error) {
      if (error instanceof VersionConflict) return false;
      throw error;
    }
  };
  return {
    async get(supplyId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: keys.supply(supplyId), ConsistentRead: true }),
      );
      return Item ? withoutKeys<StoredSupply>(Item) : undefined;
    },
    async put(previous, next, now, leaving, originRow, events = []) {
      if (!previous && leaving) {
        const withdraw = stockMovementItem(table, leaving, now);
        const failed = await writeTransaction(db, [
          ...firstRecordItems(next, now),
          events.length === 0 ? withdraw : alsoUnchangedSince(withdraw, originRow),
          ...outboxItems(tables.outbox, events),
        ]).catch((error) => {
          if (error instanceof VersionConflict) return [0];
          throw error;
        });
        if (failed === undefined) return true;
        // with events, a refused withdrawal may be a row that moved: the caller reads it again
        return failed.includes(2) && !failed.includes(0) && events.length === 0 ? 'short' : false;
      }
      if (!previous) return committed(firstRecordItems(next, now));
      const before = keys.expectedSupply(previous.sku, previous.expectedAt, previous.supplyId);
      const after = keys.expectedSupply(next.sku, next.expectedAt, next.supplyId);
      const moved = before.PK !== after.PK || before.SK !== after.SK;
      return committed([
        {
          Put: {
            TableName: table,
            Item: {
              ...keys.supply(next.supplyId),
              ...next,
              // the units backorders claimed stay theirs (the use case refuses a quantity below them)
              unclaimed: next.quantity - claimedOf(previous),
              version: previous.version + 1,
              createdAt: previous.createdAt ?? now,
              updatedAt: now,
            },
            ConditionExpression: 'version = :v AND #status = :expected',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':v': previous.version, ':expected': 'expected' },
          },
        },
        ...(moved ? [{ Delete: { TableName: table, Key: before } }] : []),
        { Put: { TableName: table, Item: entryOf(next) } },
      ]);
    },
    receive(stored, now, row, events = []) {
      const restock = stockMovementItem(
        table,
        { kind: 'restock', locationId: stored.locationId, sku: stored.sku, quantity: stored.quantity },
        now,
      );
      // with events, the row must still be the one they were computed from
      const restockIf = events.length === 0 ? restock : alsoUnchangedSince(restock, row);
      return committed([
        {
          Update: {
            TableName: table,
            Key: keys.supply(stored.supplyId),
            UpdateExpression: 'SET #status = :received, receivedAt = :now, updatedAt = :now, version = :next',
            ConditionExpression: 'version = :v AND #status = :expected',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':received': 'received',
              ':expected': 'expected',
              ':now': now,
              ':v': stored.version,
              ':next': stored.version + 1,
            },
          },
        },
        {
          Delete: {
            TableName: table,
            Key: keys.expectedSupply(stored.sku, stored.expectedAt, stored.supplyId),
          },
        },
        restockIf,
        ...outboxItems(tables.outbox, events),
      ]);
    },
    async expectedOf(sku) {
      const entries = await queryPrefix<ExpectedArrival>(db, table, keys.expectedSupplyOfSku(sku));
      return entries.map(expectedArrival).sort(byArrival);
    },
    async claimableOf(sku) {
      const entries = await queryPrefix<ExpectedArrival>(db, table, keys.expectedSupplyOfSku(sku));
      if (entries.length === 0) return [];
      const records = await batchGet(
        db,
        table,
        entries.map((e) => keys.supply(e.supplyId)),
        true,
      );
      const unclaimed = new Map(
        records.map((r) => withoutKeys<StoredSupply>(r)).map((r) => [r.supplyId, r.unclaimed ?? r.quantity]),
      );
      return entries
        .map(expectedArrival)
        .sort(byArrival)
        .map((e): ClaimableArrival => ({ ...e, sku, unclaimed: unclaimed.get(e.supplyId) ?? e.quantity }));
    },
    async backordersOf(sku) {
      const items = await queryPrefix<WaitingBackorder>(db, table, keys.backorderClaimsOfSku(sku));
      return items.map(({ orderId, supplyId, quantity, since }) => ({ orderId, supplyId, quantity, since }));
    },
  };
}

/**
 * The writes that take (or give back) one order's claim on a supply, for the transaction that
 * changes the order: the supply's unclaimed units, refused below zero, and the SKU's waiting list.
 * Giving back needs no condition: a received supply's claims are still given back to its record.
 */
export function supplyClaimItems(
  table: string,
  orderId: string,
  since: string,
  { claim, delta }: SupplyClaimChange,
): { items: TransactItem[]; undo: TransactItem[] } {
  const record = (units: number, condition?: string): TransactItem => ({
    Update: {
      TableName: table,
      Key: keys.supply(claim.supplyId),
      UpdateExpression: 'SET unclaimed = unclaimed - :q, version = version + :one',
      ConditionExpression: condition ?? 'attribute_exists(PK)',
      ExpressionAttributeValues: {
        ':q': units,
        ':one': 1,
        ...(condition ? { ':expected': 'expected' } : {}),
      },
      ...(condition ? { ExpressionAttributeNames: { '#status': 'status' } } : {}),
    },
  });
  const key = keys.backorderClaim(claim.sku, since, orderId, claim.supplyId);
  const entry: TransactItem =
    claim.quantity > 0
      ? {
          Put: {
            TableName: table,
            Item: { ...key, orderId, supplyId: claim.supplyId, quantity: claim.quantity, since },
          },
        }
      : { Delete: { TableName: table, Key: key } };
  const take = delta > 0;
  return {
    items: [take ? record(delta, '#status = :expected AND unclaimed >= :q') : record(delta), entry],
    undo: [record(-delta)],
  };
}

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredSupply, SupplyRepository } from '../app/ports.ts';
import { byArrival, type ExpectedArrival, expectedArrival, type Supply } from '../core/inventory/supply.ts';
import { VersionConflict } from '../shared/errors.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { unchangedSince } from './inventory-store.ts';
import { keys, withoutKeys } from './keys.ts';
import { outboxItems } from './outbox.ts';
import { queryPrefix } from './queries.ts';
import { stockMovementItem } from './stock-movements.ts';
import { type TransactItem, writeTransaction } from './transactions.ts';

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
    put(previous, next, now) {
      if (!previous)
        return committed([
          {
            Put: {
              TableName: table,
              Item: { ...keys.supply(next.supplyId), ...next, version: 1, createdAt: now, updatedAt: now },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          { Put: { TableName: table, Item: entryOf(next) } },
        ]);
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
      const update = restock.Update as NonNullable<TransactItem['Update']>;
      const rowCondition = unchangedSince(row);
      const restockIf: TransactItem =
        events.length === 0
          ? restock
          : {
              Update: {
                ...update,
                ConditionExpression: rowCondition.ConditionExpression,
                ExpressionAttributeValues: {
                  ...update.ExpressionAttributeValues,
                  ...('ExpressionAttributeValues' in rowCondition
                    ? rowCondition.ExpressionAttributeValues
                    : {}),
                },
              },
            };
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
  };
}

import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StockAdjustment, StockLedger } from '../app/ports.ts';
import { requireCalendarDay } from '../core/inventory/capacity.ts';
import { hasBuffers } from '../core/inventory/channels.ts';
import type { StockRow } from '../core/inventory/stock.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { outboxItems } from './outbox.ts';
import { batchGet, queryPrefix } from './queries.ts';
import { conditionally, type TransactItem, writeTransaction } from './transactions.ts';

/**
 * The condition that the row is still the one read: a reservation, a count or a buffer change in
 * between makes the writer decide again from the new row, never overwrite it.
 */
export function unchangedSince(current: StockRow | undefined) {
  if (!current) return { ConditionExpression: 'attribute_not_exists(PK)' };
  const values = { ':r': current.reserved, ':h': current.onHand };
  return current.updatedAt === undefined
    ? {
        ConditionExpression: 'reserved = :r AND onHand = :h AND attribute_not_exists(updatedAt)',
        ExpressionAttributeValues: values,
      }
    : {
        ConditionExpression: 'reserved = :r AND onHand = :h AND updatedAt = :u',
        ExpressionAttributeValues: { ...values, ':u': current.updatedAt },
      };
}

/**
 * Stock rows (one partition per SKU, one item per location), adjustment records and the daily
 * capacity counters (`CAPACITY#<loc>` / `DAY#<day>`), all in the Inventory table.
 */
export function dynamoStock({ db, tables }: DynamoContext): StockLedger {
  const table = tables.inventory;
  return {
    async row(sku, locationId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: keys.stock(sku, locationId), ConsistentRead: true }),
      );
      return Item ? withoutKeys<StockRow>(Item) : undefined;
    },
    rowsOfSku: (sku) => queryPrefix<StockRow>(db, table, keys.stockRowsOfSku(sku)),
    async replaceRow(current, next, events = []) {
      const put = {
        TableName: table,
        Item: { ...keys.stock(next.sku, next.locationId), ...next },
        ...unchangedSince(current),
      };
      if (events.length === 0) return conditionally(() => db.send(new PutCommand(put)));
      const items: TransactItem[] = [{ Put: put }, ...outboxItems(tables.outbox, events)];
      return (await writeTransaction(db, items)) === undefined;
    },
    async applyAdjustment(current, next, adjustment, events = []) {
      const failed = await writeTransaction(db, [
        {
          Put: {
            TableName: table,
            Item: { ...keys.adjustment(adjustment.adjustmentId), ...adjustment },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Put: {
            TableName: table,
            Item: { ...keys.stock(next.sku, next.locationId), ...next },
            ...unchangedSince(current),
          },
        },
        ...outboxItems(tables.outbox, events),
      ]);
      if (failed === undefined) return 'applied';
      return failed.includes(0) ? 'replayed' : 'moved';
    },
    async adjustment(adjustmentId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: keys.adjustment(adjustmentId), ConsistentRead: true }),
      );
      return Item ? withoutKeys<StockAdjustment>(Item) : undefined;
    },
    async setChannelBuffers(locationId, sku, buffers, now) {
      const initialised =
        'locationId = :loc, sku = :sku, onHand = if_not_exists(onHand, :zero), ' +
        'reserved = if_not_exists(reserved, :zero), safetyStock = if_not_exists(safetyStock, :zero), ' +
        'available = if_not_exists(available, :zero), updatedAt = :now';
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: table,
          Key: keys.stock(sku, locationId),
          // buffers set by hand have no rule behind them
          UpdateExpression: hasBuffers(buffers)
            ? `SET channelBuffers = :buffers, ${initialised} REMOVE bufferSources`
            : `SET ${initialised} REMOVE channelBuffers, bufferSources`,
          ExpressionAttributeValues: {
            ':loc': locationId,
            ':sku': sku,
            ':zero': 0,
            ':now': now,
            ...(hasBuffers(buffers) ? { ':buffers': buffers } : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return withoutKeys<StockRow>(Attributes ?? {});
    },
    applyRuleBuffers: (current, buffers, sources, now) => {
      const condition = unchangedSince(current);
      const kept = hasBuffers(buffers);
      const explained = Object.keys(sources).length > 0;
      const set = [
        'updatedAt = :now',
        ...(kept ? ['channelBuffers = :buffers'] : []),
        ...(explained ? ['bufferSources = :sources'] : []),
      ];
      const remove = [...(kept ? [] : ['channelBuffers']), ...(explained ? [] : ['bufferSources'])];
      return conditionally(() =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: keys.stock(current.sku, current.locationId),
            UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
            ConditionExpression: condition.ConditionExpression,
            ExpressionAttributeValues: {
              ...condition.ExpressionAttributeValues,
              ':now': now,
              ...(kept ? { ':buffers': buffers } : {}),
              ...(explained ? { ':sources': sources } : {}),
            },
          }),
        ),
      );
    },
    async capacityUsed(locationIds, day) {
      requireCalendarDay(day);
      const unique = [...new Set(locationIds)];
      const counters = await batchGet(
        db,
        table,
        unique.map((id) => keys.capacity(id, day)),
        true,
      );
      const used = new Map(unique.map((id) => [id, 0]));
      for (const item of counters) {
        const counter = withoutKeys<{ locationId: string; used: number }>(item);
        used.set(counter.locationId, counter.used);
      }
      return used;
    },
  };
}

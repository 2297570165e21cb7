import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  availableForChannel,
  type ChannelBuffers,
  hasBuffers,
  normalizeBuffers,
} from '../core/inventory/channels.ts';
import { applyCount, availableOf, isStaleCount, type StockRow } from '../core/inventory/stock.ts';
import type { Channel } from '../core/orders/types.ts';
import { Conflict, StaleStockCount } from '../shared/errors.ts';
import { config } from './config.ts';
import { documentClient } from './dynamodb.ts';
import { keys, withoutKeys } from './keys.ts';
import { writeTransaction } from './transactions.ts';

export async function getStock(sku: string, locationId: string): Promise<StockRow | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: config.inventoryTable,
      Key: keys.stock(sku, locationId),
      ConsistentRead: true,
    }),
  );
  return Item ? withoutKeys<StockRow>(Item) : undefined;
}

/** The items of one partition whose sort key starts with a prefix, every page, read consistently. */
export async function queryPrefix<T>(key: { PK: string; SKPrefix: string }): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: config.inventoryTable,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': key.PK, ':prefix': key.SKPrefix },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []).map((i) => withoutKeys<T>(i)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Every location's row for a SKU (one partition per SKU; its expected supply is left out). */
export async function stockOfSku(sku: string): Promise<StockRow[]> {
  return queryPrefix<StockRow>(keys.stockRowsOfSku(sku));
}

/**
 * Available units by location then SKU, for the given SKUs. With a channel, net of what each
 * location holds back from that channel (its channel buffer), so sourcing never plans those units.
 */
export async function availabilityOf(
  skus: string[],
  channel?: Channel,
): Promise<Map<string, Map<string, number>>> {
  const byLocation = new Map<string, Map<string, number>>();
  const rows = (await Promise.all([...new Set(skus)].map(stockOfSku))).flat();
  for (const row of rows) {
    const perSku = byLocation.get(row.locationId) ?? new Map<string, number>();
    perSku.set(row.sku, channel ? availableForChannel(row, channel) : Math.max(0, row.available));
    byLocation.set(row.locationId, perSku);
  }
  return byLocation;
}

/**
 * The condition that the row is still the one read: a reservation, a count or a buffer change in
 * between makes the writer recompute from the new row, never overwrite it.
 */
function unchangedSince(current: StockRow | undefined) {
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
 * Applies an absolute count from a WMS or POS. Optimistic: the write only lands if the row is
 * unchanged since it was read (a reservation in between makes us recompute, never overwrite it).
 */
export async function putCount(count: {
  locationId: string;
  sku: string;
  onHand: number;
  safetyStock?: number | undefined;
  asOf?: string | undefined;
  channelBuffers?: ChannelBuffers | undefined;
}): Promise<StockRow> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const current = await getStock(count.sku, count.locationId);
    if (isStaleCount(current, count.asOf))
      throw new StaleStockCount(`a count as of ${current?.asOf} is already applied; ${count.asOf} is older`);
    const row = { ...applyCount(current, count), updatedAt: new Date().toISOString() };
    try {
      await documentClient.send(
        new PutCommand({
          TableName: config.inventoryTable,
          Item: { ...keys.stock(count.sku, count.locationId), ...row },
          ...unchangedSince(current),
        }),
      );
      return row;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }
  throw new Conflict('the stock row kept changing; try again');
}

/**
 * Replaces what a location holds back from each channel (`{}` holds nothing back), leaving the
 * counts alone. A location without a row for the SKU gets one with nothing on hand, so buffers can
 * be set before the first count arrives.
 */
export async function setChannelBuffers(
  locationId: string,
  sku: string,
  buffers: ChannelBuffers,
): Promise<StockRow> {
  const channelBuffers = normalizeBuffers(buffers);
  const initialised =
    'locationId = :loc, sku = :sku, onHand = if_not_exists(onHand, :zero), ' +
    'reserved = if_not_exists(reserved, :zero), safetyStock = if_not_exists(safetyStock, :zero), ' +
    'available = if_not_exists(available, :zero), updatedAt = :now';
  const { Attributes } = await documentClient.send(
    new UpdateCommand({
      TableName: config.inventoryTable,
      Key: keys.stock(sku, locationId),
      UpdateExpression: hasBuffers(channelBuffers)
        ? `SET channelBuffers = :buffers, ${initialised}`
        : `SET ${initialised} REMOVE channelBuffers`,
      ExpressionAttributeValues: {
        ':loc': locationId,
        ':sku': sku,
        ':zero': 0,
        ':now': new Date().toISOString(),
        ...(hasBuffers(channelBuffers) ? { ':buffers': channelBuffers } : {}),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return withoutKeys<StockRow>(Attributes ?? {});
}

/**
 * Applies a delta once per adjustmentId: the adjustment record and the new row commit together, so
 * a replay finds the record and changes nothing. Refused when on hand would drop below reserved.
 * (A condition expression cannot add, so the check is made on a read row that must still be current.)
 */
export async function adjustStock(adjustment: {
  adjustmentId: string;
  locationId: string;
  sku: string;
  delta: number;
  reason: string;
}): Promise<{ row: StockRow; replayed: boolean }> {
  const { adjustmentId, locationId, sku, delta } = adjustment;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const now = new Date().toISOString();
    const current = await getStock(sku, locationId);
    const onHand = (current?.onHand ?? 0) + delta;
    const reserved = current?.reserved ?? 0;
    const safetyStock = current?.safetyStock ?? 0;
    const row: StockRow = {
      locationId,
      sku,
      onHand,
      reserved,
      safetyStock,
      available: availableOf({ onHand, reserved, safetyStock }),
      ...(hasBuffers(current?.channelBuffers) ? { channelBuffers: current?.channelBuffers } : {}),
      asOf: current?.asOf,
      updatedAt: now,
    };
    if (onHand < reserved || onHand < 0) {
      const replayed = await replayOf(adjustmentId, sku, locationId);
      if (replayed) return replayed;
      throw new Conflict(
        `a delta of ${delta} would leave ${sku} at ${locationId} with less on hand than reserved`,
      );
    }
    const failed = await writeTransaction([
      {
        Put: {
          TableName: config.inventoryTable,
          Item: { ...keys.adjustment(adjustmentId), ...adjustment, at: now },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: config.inventoryTable,
          Item: { ...keys.stock(sku, locationId), ...row },
          ...unchangedSince(current),
        },
      },
    ]);
    if (failed === undefined) return { row, replayed: false };
    if (failed.includes(0)) {
      const replayed = await replayOf(adjustmentId, sku, locationId);
      if (replayed) return replayed;
    }
  }
  throw new Conflict('the stock row kept changing; try again');
}

async function replayOf(
  adjustmentId: string,
  sku: string,
  locationId: string,
): Promise<{ row: StockRow; replayed: true } | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({
      TableName: config.inventoryTable,
      Key: keys.adjustment(adjustmentId),
      ConsistentRead: true,
    }),
  );
  if (!Item) return undefined;
  if (Item.sku !== sku || Item.locationId !== locationId)
    throw new Conflict(`adjustment ${adjustmentId} was already applied to ${Item.sku} at ${Item.locationId}`);
  const row = await getStock(sku, locationId);
  return row ? { row, replayed: true } : undefined;
}

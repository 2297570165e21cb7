import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { applyCount, availableOf, isStaleCount, type StockRow } from '../core/inventory/stock.ts';
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

/** Every location's row for a SKU (one partition per SKU). */
export async function stockOfSku(sku: string): Promise<StockRow[]> {
  const rows: StockRow[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: config.inventoryTable,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.stockOfSku(sku).PK },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    rows.push(...(page.Items ?? []).map((i) => withoutKeys<StockRow>(i)));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
}

/** Available units by location then SKU, for the given SKUs. */
export async function availabilityOf(skus: string[]): Promise<Map<string, Map<string, number>>> {
  const byLocation = new Map<string, Map<string, number>>();
  const rows = (await Promise.all([...new Set(skus)].map(stockOfSku))).flat();
  for (const row of rows) {
    const perSku = byLocation.get(row.locationId) ?? new Map<string, number>();
    perSku.set(row.sku, Math.max(0, row.available));
    byLocation.set(row.locationId, perSku);
  }
  return byLocation;
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
          ...(current
            ? {
                ConditionExpression: 'reserved = :r AND onHand = :h',
                ExpressionAttributeValues: { ':r': current.reserved, ':h': current.onHand },
              }
            : { ConditionExpression: 'attribute_not_exists(PK)' }),
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
    const unchanged = current
      ? {
          ConditionExpression: 'reserved = :r AND onHand = :h',
          ExpressionAttributeValues: { ':r': current.reserved, ':h': current.onHand },
        }
      : { ConditionExpression: 'attribute_not_exists(PK)' };
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
          ...unchanged,
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

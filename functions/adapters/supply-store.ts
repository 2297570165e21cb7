import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StockRow } from '../core/inventory/stock.ts';
import {
  byArrival,
  canonicalSupply,
  type ExpectedArrival,
  expectedArrival,
  isSameSupply,
  publicSupply,
  type Supply,
  type SupplyRequest,
} from '../core/inventory/supply.ts';
import { Conflict, NotFound, VersionConflict } from '../shared/errors.ts';
import { config } from './config.ts';
import { documentClient } from './dynamodb.ts';
import { getStock, queryPrefix } from './inventory-store.ts';
import { keys, withoutKeys } from './keys.ts';
import { stockMovementItem } from './stock-movements.ts';
import { type TransactItem, writeTransaction } from './transactions.ts';

/**
 * Two items per supply in the Inventory table: the record, found by id (`SUPPLY#<id>`), and, while
 * it is expected, an entry in its SKU's partition sorted by date (`SKU#<sku>` /
 * `SUPPLY#<expectedAt>#<id>`), so that one query lists a SKU's arrivals in order. Both change in one
 * transaction, guarded by the record's `version`.
 */
type StoredSupply = Supply & { version: number; createdAt?: string | undefined };

const attempts = 5;

async function getStoredSupply(supplyId: string): Promise<StoredSupply | undefined> {
  const { Item } = await documentClient.send(
    new GetCommand({ TableName: config.inventoryTable, Key: keys.supply(supplyId), ConsistentRead: true }),
  );
  return Item ? withoutKeys<StoredSupply>(Item) : undefined;
}

export async function getSupply(supplyId: string): Promise<Supply | undefined> {
  const stored = await getStoredSupply(supplyId);
  return stored ? publicSupply(stored) : undefined;
}

function entryOf(supply: Supply) {
  return {
    ...keys.expectedSupply(supply.sku, supply.expectedAt, supply.supplyId),
    ...expectedArrival(supply),
  };
}

/** A transaction whose items moved under us is retried from a fresh read (false); anything else is an answer. */
async function committed(items: TransactItem[]): Promise<boolean> {
  try {
    return (await writeTransaction(items)) === undefined;
  } catch (error) {
    if (error instanceof VersionConflict) return false;
    throw error;
  }
}

/**
 * Records a supply under its id. Replaying the same request changes nothing; another request for
 * an expected supply updates it (moving its dated entry when the date or SKU changed); a supply
 * already received can no longer change (Conflict).
 */
export async function putSupply(
  supplyId: string,
  request: SupplyRequest,
): Promise<{ supply: Supply; changed: boolean }> {
  const next = canonicalSupply(supplyId, request);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const stored = await getStoredSupply(supplyId);
    const now = new Date().toISOString();
    if (!stored) {
      const created = await committed([
        {
          Put: {
            TableName: config.inventoryTable,
            Item: { ...keys.supply(supplyId), ...next, version: 1, createdAt: now, updatedAt: now },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        { Put: { TableName: config.inventoryTable, Item: entryOf(next) } },
      ]);
      if (created) return { supply: next, changed: true };
      continue;
    }
    if (isSameSupply(stored, next)) return { supply: publicSupply(stored), changed: false };
    if (stored.status === 'received')
      throw new Conflict(`supply ${supplyId} was received at ${stored.receivedAt}; it can no longer change`);

    const before = keys.expectedSupply(stored.sku, stored.expectedAt, supplyId);
    const after = keys.expectedSupply(next.sku, next.expectedAt, supplyId);
    const moved = before.PK !== after.PK || before.SK !== after.SK;
    const updated = await committed([
      {
        Put: {
          TableName: config.inventoryTable,
          Item: {
            ...keys.supply(supplyId),
            ...next,
            version: stored.version + 1,
            createdAt: stored.createdAt ?? now,
            updatedAt: now,
          },
          ConditionExpression: 'version = :v AND #status = :expected',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':v': stored.version, ':expected': 'expected' },
        },
      },
      ...(moved ? [{ Delete: { TableName: config.inventoryTable, Key: before } }] : []),
      { Put: { TableName: config.inventoryTable, Item: entryOf(next) } },
    ]);
    if (updated) return { supply: next, changed: true };
  }
  throw new Conflict(`supply ${supplyId} kept changing; try again`);
}

/**
 * The units arrive: on hand (and available) at the location grow by the quantity, in the same
 * transaction that marks the supply received and removes it from the expected arrivals, so it
 * happens once. Unknown id: NotFound; already received: Conflict.
 */
export async function receiveSupply(supplyId: string): Promise<{ supply: Supply; stock: StockRow }> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const stored = await getStoredSupply(supplyId);
    if (!stored) throw new NotFound(`supply ${supplyId} does not exist`);
    if (stored.status === 'received')
      throw new Conflict(`supply ${supplyId} was already received at ${stored.receivedAt}`);
    const now = new Date().toISOString();
    const received = await committed([
      {
        Update: {
          TableName: config.inventoryTable,
          Key: keys.supply(supplyId),
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
          TableName: config.inventoryTable,
          Key: keys.expectedSupply(stored.sku, stored.expectedAt, supplyId),
        },
      },
      stockMovementItem(
        { kind: 'restock', locationId: stored.locationId, sku: stored.sku, quantity: stored.quantity },
        now,
      ),
    ]);
    if (!received) continue;
    const stock = await getStock(stored.sku, stored.locationId);
    if (!stock) throw new Error(`the stock row of ${stored.sku} at ${stored.locationId} vanished`);
    return { supply: publicSupply({ ...stored, status: 'received', receivedAt: now }), stock };
  }
  throw new Conflict(`supply ${supplyId} kept changing; try again`);
}

/** A SKU's supply not yet received, earliest first (one query on the SKU's partition). */
export async function expectedSupplyOf(sku: string): Promise<ExpectedArrival[]> {
  const entries = await queryPrefix<ExpectedArrival>(keys.expectedSupplyOfSku(sku));
  return entries.map(expectedArrival).sort(byArrival);
}

/** Expected arrivals of several SKUs, by SKU (for backorders and preorders). */
export async function expectedSupplyOfSkus(skus: string[]): Promise<Map<string, ExpectedArrival[]>> {
  const unique = [...new Set(skus)];
  const lists = await Promise.all(unique.map(expectedSupplyOf));
  return new Map(unique.map((sku, i) => [sku, lists[i] ?? []]));
}

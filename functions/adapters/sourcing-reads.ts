import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SourcingReads, SourcingSnapshot } from '../app/ports.ts';
import type { Carrier } from '../core/carriers/carriers.ts';
import type { StockRow } from '../core/inventory/stock.ts';
import type { Location, Product } from '../core/network.ts';
import type { DynamoContext } from './dynamo-tables.ts';
import { keys, withoutKeys } from './keys.ts';
import { batchGet, queryPartition, queryPrefix } from './queries.ts';

/** Past this many stock and capacity keys, one query per SKU reads less than a batch of every pair. */
const batchedKeysAtMost = 300;
const keysPerBatch = 100;
/**
 * A copy is dropped after this long whatever its stamp: the stamp is raised just after each network
 * write, and a writer that dies between the two must not leave a copy stale for good.
 */
const copyKeptMs = 30_000;

interface CachedNetwork {
  version: number;
  loadedAt: number;
  locations: Location[];
  carriers: Carrier[];
  /** products by SKU as of `version`; `null`: no such product */
  products: Map<string, Product | null>;
}

/**
 * What sourcing reads, in as few calls as the tables allow. The network (locations, carriers,
 * products) changes rarely and is read whole: this container keeps it, stamped with the network's
 * version (`NETWORK` / `VERSION`, raised in the same transaction as every network write), and
 * checks the stamp in the same batch that reads the stock rows and capacity counters, so a
 * reading is never older than its own batch. A stale stamp drops the copy and reads again.
 */
export function dynamoSourcingReads({ db, tables }: DynamoContext): SourcingReads {
  let cached: CachedNetwork | undefined;

  async function networkVersion(): Promise<number> {
    const { Item } = await db.send(
      new GetCommand({ TableName: tables.network, Key: keys.networkVersion(), ConsistentRead: true }),
    );
    return (Item?.version as number | undefined) ?? 0;
  }

  async function loadNetwork(): Promise<CachedNetwork> {
    // the stamp first: a write that lands while the lists are read leaves the copy stamped older
    const version = await networkVersion();
    const [locations, carriers] = await Promise.all([
      queryPartition(db, tables.network, keys.allLocations().PK),
      queryPartition(db, tables.network, keys.allCarriers().PK),
    ]);
    return {
      version,
      loadedAt: Date.now(),
      locations: locations.map((i) => withoutKeys<Location>(i)),
      carriers: carriers.map((i) => withoutKeys<Carrier>(i)),
      products: new Map(),
    };
  }

  async function withProducts(network: CachedNetwork, skus: string[]): Promise<void> {
    const missing = [...new Set(skus)].filter((sku) => !network.products.has(sku));
    if (missing.length === 0) return;
    const found = await batchGet(
      db,
      tables.network,
      missing.map((sku) => keys.product(sku)),
      false,
    );
    for (const sku of missing) network.products.set(sku, null);
    for (const item of found) {
      const product = withoutKeys<Product>(item);
      network.products.set(product.sku, product);
    }
  }

  /** The stock rows, the capacity counters and the network's stamp, in batches of 100 keys. */
  async function batchedReading(network: CachedNetwork, stockSkus: string[], days: string[]) {
    const limited = network.locations.filter((l) => l.dailyCapacity !== undefined);
    const inventoryKeys = [
      ...stockSkus.flatMap((sku) => network.locations.map((l) => keys.stock(sku, l.locationId))),
      ...days.flatMap((day) => limited.map((l) => keys.capacity(l.locationId, day))),
    ];
    if (inventoryKeys.length > batchedKeysAtMost) return undefined;
    const chunks: Record<string, string>[][] = [];
    for (let i = 0; i < inventoryKeys.length; i += keysPerBatch)
      chunks.push(inventoryKeys.slice(i, i + keysPerBatch));
    if (chunks.length === 0) chunks.push([]);
    const last = chunks.at(-1) as Record<string, string>[];
    if (last.length === keysPerBatch) chunks.push([]);
    const items: Record<string, unknown>[] = [];
    let version = 0;
    await Promise.all(
      chunks.map(async (chunk, index) => {
        let request: BatchGetCommandOutput['UnprocessedKeys'] = {
          ...(chunk.length > 0 ? { [tables.inventory]: { Keys: chunk, ConsistentRead: true } } : {}),
          ...(index === chunks.length - 1
            ? { [tables.network]: { Keys: [keys.networkVersion()], ConsistentRead: true } }
            : {}),
        };
        while (request && Object.keys(request).length > 0) {
          const page: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: request }));
          items.push(...(page.Responses?.[tables.inventory] ?? []));
          const stamp = page.Responses?.[tables.network]?.[0];
          if (stamp) version = stamp.version as number;
          request = page.UnprocessedKeys;
        }
      }),
    );
    return { items, version };
  }

  /** For a large network: one query per SKU, the counters in a batch, the stamp beside them. */
  async function queriedReading(network: CachedNetwork, stockSkus: string[], days: string[]) {
    const limited = network.locations.filter((l) => l.dailyCapacity !== undefined);
    const [rows, counters, version] = await Promise.all([
      Promise.all(
        stockSkus.map((sku) => queryPrefix<StockRow>(db, tables.inventory, keys.stockRowsOfSku(sku))),
      ),
      batchGet(
        db,
        tables.inventory,
        days.flatMap((day) => limited.map((l) => keys.capacity(l.locationId, day))),
        true,
      ),
      networkVersion(),
    ]);
    return { rows: rows.flat(), counters, version };
  }

  return {
    async snapshot(orderSkus, days) {
      for (let attempt = 0; ; attempt++) {
        if (cached && Date.now() - cached.loadedAt > copyKeptMs) cached = undefined;
        cached ??= await loadNetwork();
        const network = cached;
        await withProducts(network, orderSkus);
        const components = orderSkus.flatMap(
          (sku) => network.products.get(sku)?.kit?.map((c) => c.sku) ?? [],
        );
        await withProducts(network, components);
        const stockSkus = [
          ...new Set(orderSkus.flatMap((sku) => network.products.get(sku)?.kit?.map((c) => c.sku) ?? [sku])),
        ];
        const batched = await batchedReading(network, stockSkus, days);
        const reading = batched
          ? {
              rows: batched.items
                .filter((i) => String(i.SK).startsWith('LOC#'))
                .map((i) => withoutKeys<StockRow>(i)),
              counters: batched.items.filter((i) => String(i.SK).startsWith('DAY#')),
              version: batched.version,
            }
          : await queriedReading(network, stockSkus, days);
        if (reading.version !== network.version && attempt === 0) {
          cached = undefined;
          continue;
        }
        return snapshotOf(network, orderSkus.concat(components), reading.rows, reading.counters, days);
      }
    },
  };
}

function snapshotOf(
  network: CachedNetwork,
  skus: string[],
  stockRows: StockRow[],
  counters: Record<string, unknown>[],
  days: string[],
): SourcingSnapshot {
  const products = new Map<string, Product>();
  for (const sku of skus) {
    const product = network.products.get(sku);
    if (product) products.set(sku, product);
  }
  const capacityUsed = new Map(days.map((day) => [day, new Map<string, number>()]));
  for (const item of counters) {
    const day = String(item.SK).slice('DAY#'.length);
    const counter = withoutKeys<{ locationId: string; used: number }>(item);
    capacityUsed.get(day)?.set(counter.locationId, counter.used);
  }
  return { locations: network.locations, carriers: network.carriers, products, stockRows, capacityUsed };
}

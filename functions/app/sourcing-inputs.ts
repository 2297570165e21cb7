import { carriersInForce } from '../core/carriers/carriers.ts';
import { capacityDay, capacityRemaining, laterCapacityDays } from '../core/inventory/capacity.ts';
import { availableForChannel, holdBackOf } from '../core/inventory/channels.ts';
import type { HoldBack } from '../core/inventory/movements.ts';
import type { StockRow } from '../core/inventory/stock.ts';
import type { GeoPoint, Location } from '../core/network.ts';
import { groupOrderLines } from '../core/orders/lines.ts';
import type { Channel, Delivery, OrderLine } from '../core/orders/types.ts';
import type { LaterCapacity, SourcingRequest } from '../core/sourcing/types.ts';
import type { SourcingReads, StockLedger } from './ports.ts';

/**
 * Available units by location then SKU, for the given SKUs. With a channel, net of what each
 * location holds back from that channel (its channel buffer), so sourcing never plans those units.
 */
export async function availabilityOf(
  stock: Pick<StockLedger, 'rowsOfSku'>,
  skus: string[],
  channel?: Channel,
): Promise<Map<string, Map<string, number>>> {
  return (await stockReading(stock, skus, channel)).available;
}

/**
 * The availability sourcing plans with, and what each location holds back from the channel: the
 * reservation's condition carries the latter, so units planned from this reading never eat a buffer.
 */
async function stockReading(stock: Pick<StockLedger, 'rowsOfSku'>, skus: string[], channel?: Channel) {
  const rows = (await Promise.all([...new Set(skus)].map((sku) => stock.rowsOfSku(sku)))).flat();
  return readingOf(rows, channel);
}

function readingOf(rows: readonly StockRow[], channel?: Channel) {
  const available = new Map<string, Map<string, number>>();
  const holdBack = new Map<string, Map<string, HoldBack>>();
  for (const row of rows) {
    const perSku = available.get(row.locationId) ?? new Map<string, number>();
    perSku.set(row.sku, channel ? availableForChannel(row, channel) : Math.max(0, row.available));
    available.set(row.locationId, perSku);
    const kept = channel ? holdBackOf(row, channel) : undefined;
    if (kept) holdBack.set(row.locationId, (holdBack.get(row.locationId) ?? new Map()).set(row.sku, kept));
  }
  return { available, holdBack };
}

/**
 * Shipments each location can still take on `day`: its `dailyCapacity` minus what it has taken,
 * never below zero. Locations without a `dailyCapacity` are absent: they have no daily limit.
 */
export async function capacityLeft(
  stock: Pick<StockLedger, 'capacityUsed'>,
  locations: readonly Pick<Location, 'locationId' | 'dailyCapacity'>[],
  day: string,
): Promise<Map<string, number>> {
  const limited = locations.filter((l) => l.dailyCapacity !== undefined);
  const used = await stock.capacityUsed(
    limited.map((l) => l.locationId),
    day,
  );
  return capacityLeftOf(limited, used);
}

function capacityLeftOf(
  locations: readonly Pick<Location, 'locationId' | 'dailyCapacity'>[],
  used: ReadonlyMap<string, number>,
): Map<string, number> {
  const left = new Map<string, number>();
  for (const location of locations) {
    const remaining = capacityRemaining(location.dailyCapacity, used.get(location.locationId) ?? 0);
    if (remaining !== undefined) left.set(location.locationId, remaining);
  }
  return left;
}

/**
 * For each location whose slots for `day` are all taken: the first later carrier day, within the
 * horizon, on which it has one left (one read of the counters per day, for those locations only).
 */
export async function laterCapacity(
  stock: Pick<StockLedger, 'capacityUsed'>,
  locations: readonly Pick<Location, 'locationId' | 'dailyCapacity'>[],
  left: ReadonlyMap<string, number>,
  day: string,
): Promise<Map<string, LaterCapacity>> {
  const found = new Map<string, LaterCapacity>();
  let full = locations.filter((l) => left.get(l.locationId) === 0);
  for (const [k, later] of laterCapacityDays(day).entries()) {
    if (full.length === 0) break;
    const remaining = await capacityLeft(stock, full, later);
    for (const location of full)
      if ((remaining.get(location.locationId) ?? 0) > 0)
        found.set(location.locationId, { day: later, daysLate: k + 1 });
    full = full.filter((l) => !found.has(l.locationId));
  }
  return found;
}

/**
 * Everything sourcing needs to know about the network for these lines, read in parallel; with
 * `holdBack`, what the reservations of the plan must leave to other channels (`holdingBack`).
 */
export async function sourcingRequestFor(
  ports: { sourcingReads: SourcingReads; stock: Pick<StockLedger, 'capacityUsed'> },
  lines: OrderLine[],
  delivery: Delivery,
  options: { at: Date; excluded?: string[] | undefined; channel?: Channel | undefined },
): Promise<SourcingRequest & { holdBack: ReadonlyMap<string, ReadonlyMap<string, HoldBack>> }> {
  const { at } = options;
  const day = capacityDay(at);
  const snapshot = await ports.sourcingReads.snapshot(
    lines.map((l) => l.sku),
    [day],
  );
  const { locations, products } = snapshot;
  const groups = groupOrderLines(lines, products);
  const { available, holdBack } = readingOf(snapshot.stockRows, options.channel);
  const left = capacityLeftOf(locations, snapshot.capacityUsed.get(day) ?? new Map());
  const later = await laterCapacity(ports.stock, locations, left, day);
  const store = delivery.storeId ? locations.find((l) => l.locationId === delivery.storeId) : undefined;
  const destination: GeoPoint | undefined =
    delivery.address?.lat !== undefined && delivery.address.lon !== undefined
      ? { lat: delivery.address.lat, lon: delivery.address.lon }
      : store;
  return {
    groups,
    mode: delivery.mode,
    storeId: delivery.storeId,
    destination: destination ? { lat: destination.lat, lon: destination.lon } : undefined,
    postcode: delivery.address?.postcode,
    carriers: carriersInForce(snapshot.carriers),
    service: delivery.service ?? 'standard',
    locations,
    products,
    available,
    excluded: new Set(options.excluded ?? []),
    at,
    capacityLeft: left,
    laterCapacity: later,
    holdBack,
  };
}

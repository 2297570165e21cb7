import {
  availableForChannel,
  type ChannelBuffers,
  channelAts,
  normalizeBuffers,
} from '../core/inventory/channels.ts';
import { skuInventory } from '../core/inventory/sku-inventory.ts';
import {
  applyCount,
  applyDelta,
  isStaleCount,
  networkAts,
  publicStock,
  type StockCount,
  type StockRow,
} from '../core/inventory/stock.ts';
import { distanceKm } from '../core/network.ts';
import type { Channel } from '../core/orders/types.ts';
import { Conflict, NotFound, StaleStockCount } from '../shared/errors.ts';
import { withRuleBuffers } from './channel-allocation.ts';
import { event } from './events.ts';
import { optimistically, retry } from './optimistic.ts';
import type { AppPorts, StockAdjustment } from './ports.ts';
import { requireStockReferences } from './references.ts';

type StockPorts = Pick<AppPorts, 'network' | 'stock' | 'clock' | 'channelRules'>;

const stockChanged = (row: StockRow, reason: string, at: string) =>
  event('StockChanged.v1', { ...publicStock(row), reason, at });

/**
 * An absolute count from a WMS or POS: the reservations are kept and available recomputed. A count
 * dated before the one applied is refused (409); the write lands only on the row it was computed
 * from, so a reservation in between makes it compute again, never overwrites it.
 */
export async function countStock(ports: StockPorts, count: StockCount) {
  await requireStockReferences(ports.network, count.locationId, count.sku);
  const row = await optimistically(`the stock row of ${count.sku} at ${count.locationId}`, async () => {
    const current = await ports.stock.row(count.sku, count.locationId);
    if (isStaleCount(current, count.asOf))
      throw new StaleStockCount(`a count as of ${current?.asOf} is already applied; ${count.asOf} is older`);
    const now = ports.clock.now().toISOString();
    const next = { ...applyCount(current, count), updatedAt: now };
    return (await ports.stock.replaceRow(current, next, [stockChanged(next, 'count', now)]))
      ? { done: next }
      : retry;
  });
  // the channel allocation rules follow the new count (README, "Channel allocation")
  return publicStock(await withRuleBuffers(ports, row));
}

/**
 * A delta, applied once per adjustmentId: the record and the new row commit together, so a replay
 * finds the record and changes nothing. Refused (409) when on hand would drop below reserved.
 */
export async function adjustStock(ports: StockPorts, adjustment: StockAdjustment) {
  const { adjustmentId, locationId, sku } = adjustment;
  await requireStockReferences(ports.network, locationId, sku);
  const replay = async () => {
    const recorded = await ports.stock.adjustment(adjustmentId);
    if (!recorded) return undefined;
    if (recorded.sku !== sku || recorded.locationId !== locationId)
      throw new Conflict(
        `adjustment ${adjustmentId} was already applied to ${recorded.sku} at ${recorded.locationId}`,
      );
    return ports.stock.row(sku, locationId);
  };
  const outcome = await optimistically(`the stock row of ${sku} at ${locationId}`, async () => {
    const now = ports.clock.now().toISOString();
    const current = await ports.stock.row(sku, locationId);
    const next = applyDelta(current, adjustment);
    if (!next) {
      const replayed = await replay();
      if (replayed) return { done: { row: replayed, replayed: true } };
      throw new Conflict(
        `a delta of ${adjustment.delta} would leave ${sku} at ${locationId} with less on hand than reserved`,
      );
    }
    const row = { ...next, updatedAt: now };
    const written = await ports.stock.applyAdjustment(current, row, { ...adjustment, at: now }, [
      stockChanged(row, adjustment.reason, now),
    ]);
    if (written === 'applied') return { done: { row, replayed: false } };
    const replayed = written === 'replayed' ? await replay() : undefined;
    return replayed ? { done: { row: replayed, replayed: true } } : retry;
  });
  return publicStock(await withRuleBuffers(ports, outcome.row));
}

/**
 * What a location holds back from each channel, set without a count (which could overwrite a newer
 * one). These buffers are set by hand: they win for their channels; the channel allocation rules
 * fill the others at once.
 */
export async function setChannelBuffers(
  ports: StockPorts,
  locationId: string,
  sku: string,
  buffers: ChannelBuffers,
) {
  await requireStockReferences(ports.network, locationId, sku);
  const normalized = normalizeBuffers(buffers) ?? {};
  const row = await ports.stock.setChannelBuffers(
    locationId,
    sku,
    normalized,
    ports.clock.now().toISOString(),
  );
  return publicStock(await withRuleBuffers(ports, row));
}

/** A SKU across the network: every location's row, expected supply, ATS (per channel when asked). */
export async function inventoryOfSku(
  ports: Pick<AppPorts, 'network' | 'stock' | 'supply'>,
  sku: string,
  channel: Channel | undefined,
) {
  const [rows, expected, products] = await Promise.all([
    ports.stock.rowsOfSku(sku),
    ports.supply.expectedOf(sku),
    ports.network.getProducts([sku]),
  ]);
  if (!products.has(sku) && rows.length === 0) throw new NotFound(`product ${sku} does not exist`);
  return skuInventory(sku, rows, expected, channel);
}

const nearbyLimit = 10;

/** For each SKU: the network's ATS and the nearest locations that have it, closest first. */
export async function availabilityNear(
  ports: Pick<AppPorts, 'network' | 'stock'>,
  query: { skus: string[]; origin?: { lat: number; lon: number } | undefined; channel?: Channel | undefined },
) {
  const { skus, origin, channel } = query;
  const locations = new Map((await ports.network.listLocations()).map((l) => [l.locationId, l]));
  const items = await Promise.all(
    skus.map(async (sku) => {
      const rows = await ports.stock.rowsOfSku(sku);
      const sellable = (r: StockRow) => (channel ? availableForChannel(r, channel) : r.available);
      const nearby = rows
        .filter((r) => sellable(r) > 0 && locations.has(r.locationId))
        .map((r) => {
          const location = locations.get(r.locationId);
          const distance = origin && location ? Math.round(distanceKm(origin, location) * 10) / 10 : null;
          return { locationId: r.locationId, available: sellable(r), distanceKm: distance };
        })
        .sort((a, b) => (a.distanceKm ?? 0) - (b.distanceKm ?? 0) || b.available - a.available)
        .slice(0, nearbyLimit);
      return { sku, ats: channel ? channelAts(rows, channel) : networkAts(rows), nearby };
    }),
  );
  return { items };
}

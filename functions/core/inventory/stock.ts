import type { BufferSources } from './channel-rules.ts';
import { type ChannelBuffers, hasBuffers, normalizeBuffers } from './channels.ts';

/** One SKU at one location. `available` is stored (a condition expression cannot do arithmetic). */
export interface StockRow {
  locationId: string;
  sku: string;
  onHand: number;
  reserved: number;
  safetyStock: number;
  available: number;
  /** units held back per sales channel; `available` itself ignores them (they differ by channel) */
  channelBuffers?: ChannelBuffers | undefined;
  /** the channel allocation rule behind each buffer a rule set (a buffer without one was set by hand) */
  bufferSources?: BufferSources | undefined;
  asOf?: string | undefined;
  updatedAt?: string | undefined;
}

/** What can still be promised; may be negative in storage after a count below the reserved units. */
export function availableOf(row: Pick<StockRow, 'onHand' | 'reserved' | 'safetyStock'>): number {
  return row.onHand - row.reserved - row.safetyStock;
}

/** An absolute count from a WMS or POS. */
export interface StockCount {
  locationId: string;
  sku: string;
  onHand: number;
  safetyStock?: number | undefined;
  asOf?: string | undefined;
  channelBuffers?: ChannelBuffers | undefined;
}

/**
 * A new absolute count keeps the reservations: available is recomputed from it. Channel buffers
 * given with the count replace the stored ones (`{}` clears them); absent, they are kept.
 */
export function applyCount(current: StockRow | undefined, count: StockCount): StockRow {
  const reserved = current?.reserved ?? 0;
  const safetyStock = count.safetyStock ?? current?.safetyStock ?? 0;
  const row = { locationId: count.locationId, sku: count.sku, onHand: count.onHand, reserved, safetyStock };
  const channelBuffers = normalizeBuffers(count.channelBuffers ?? current?.channelBuffers);
  // buffers given with the count are set by hand: no rule stands behind them any more
  const bufferSources = count.channelBuffers === undefined ? current?.bufferSources : undefined;
  return {
    ...row,
    available: availableOf(row),
    ...(hasBuffers(channelBuffers) ? { channelBuffers } : {}),
    ...(hasBuffers(channelBuffers) && bufferSources && Object.keys(bufferSources).length > 0
      ? { bufferSources }
      : {}),
    asOf: count.asOf ?? current?.asOf,
  };
}

/** A count dated before the one already applied must not overwrite it. */
export function isStaleCount(current: StockRow | undefined, asOf: string | undefined): boolean {
  return Boolean(current?.asOf && asOf && Date.parse(asOf) < Date.parse(current.asOf));
}

/** The view API clients get: available is never shown below zero. */
export function publicStock(row: StockRow) {
  return {
    locationId: row.locationId,
    sku: row.sku,
    onHand: row.onHand,
    reserved: row.reserved,
    safetyStock: row.safetyStock,
    available: Math.max(0, row.available),
    ...(hasBuffers(row.channelBuffers) ? { channelBuffers: row.channelBuffers } : {}),
    ...(row.bufferSources && Object.keys(row.bufferSources).length > 0
      ? { bufferSources: row.bufferSources }
      : {}),
  };
}

export function networkAts(rows: StockRow[]): number {
  return rows.reduce((sum, row) => sum + Math.max(0, row.available), 0);
}

/**
 * A WMS or POS delta applied to a row (none yet: nothing on hand): the new row, or undefined when
 * it would leave less on hand than is reserved, or a negative count, which is refused.
 */
export function applyDelta(
  current: StockRow | undefined,
  change: { locationId: string; sku: string; delta: number },
): StockRow | undefined {
  const onHand = (current?.onHand ?? 0) + change.delta;
  const reserved = current?.reserved ?? 0;
  const safetyStock = current?.safetyStock ?? 0;
  if (onHand < reserved || onHand < 0) return undefined;
  return {
    locationId: change.locationId,
    sku: change.sku,
    onHand,
    reserved,
    safetyStock,
    available: availableOf({ onHand, reserved, safetyStock }),
    ...(hasBuffers(current?.channelBuffers) ? { channelBuffers: current?.channelBuffers } : {}),
    ...(current?.bufferSources ? { bufferSources: current.bufferSources } : {}),
    asOf: current?.asOf,
  };
}

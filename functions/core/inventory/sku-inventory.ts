import type { Channel } from '../orders/types.ts';
import { availableForChannel, channelAts } from './channels.ts';
import { networkAts, publicStock, type StockRow } from './stock.ts';
import type { ExpectedArrival } from './supply.ts';

type LocationStock = Omit<ReturnType<typeof publicStock>, 'sku'> & { ats?: number };

export interface SkuInventory {
  sku: string;
  /** present when the view is for one channel: then `ats` is that channel's */
  channel?: Channel;
  ats: number;
  locations: LocationStock[];
  expected: ExpectedArrival[];
}

/**
 * A SKU across the network, as `GET /inventory/{sku}` answers it: each location's row (with its
 * channel buffers), the network ATS, and the supply still expected. With a channel, `ats` is what
 * that channel may sell, net of every location's buffer for it, and each location shows its share.
 */
export function skuInventory(
  sku: string,
  rows: StockRow[],
  expected: ExpectedArrival[],
  channel?: Channel,
): SkuInventory {
  const locations = [...rows]
    .sort((a, b) => a.locationId.localeCompare(b.locationId))
    .map((row): LocationStock => {
      const { sku: _sku, ...shown } = publicStock(row);
      return channel ? { ...shown, ats: availableForChannel(row, channel) } : shown;
    });
  return {
    sku,
    ...(channel ? { channel, ats: channelAts(rows, channel) } : { ats: networkAts(rows) }),
    locations,
    expected,
  };
}

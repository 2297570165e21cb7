import { setChannelBuffers } from '../adapters/inventory-store.ts';
import { requireStockReferences } from '../adapters/references.ts';
import { publicStock } from '../core/inventory/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, channelBuffersBody, id } from '../shared/schemas.ts';

/**
 * Sets what a location holds back from each channel without sending a count (which could overwrite
 * a newer one from the WMS). The body replaces the stored buffers: `{}` holds nothing back.
 */
export const handler = httpRoute(
  apiRequest(channelBuffersBody, { locationId: id, sku: id }),
  async (event) => {
    const { locationId, sku } = event.pathParameters;
    await requireStockReferences(locationId, sku);
    return json(200, publicStock(await setChannelBuffers(locationId, sku, event.body)));
  },
);

import { ports } from '../adapters/aws-ports.ts';
import { setChannelBuffers } from '../app/stock.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiRequest, channelBuffersBody, id } from '../shared/schemas.ts';

/**
 * The body replaces the stored buffers: `{}` holds nothing back. An empty request changes nothing
 * (400): clearing every buffer takes an explicit `{}`.
 */
export const handler = httpRoute(
  apiRequest(channelBuffersBody, { locationId: id, sku: id }, { bodyRequired: true }),
  async (event) => {
    const { locationId, sku } = event.pathParameters;
    return json(200, await setChannelBuffers(ports(), locationId, sku, event.body));
  },
);

import { stockOfSku } from '../adapters/inventory-store.ts';
import { getProducts } from '../adapters/network-store.ts';
import { expectedSupplyOf } from '../adapters/supply-store.ts';
import { skuInventory } from '../core/inventory/sku-inventory.ts';
import { NotFound } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, channelQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ sku: id }, channelQuery), async (event) => {
  const { sku } = event.pathParameters;
  const { channel } = event.queryStringParameters;
  const [rows, expected, products] = await Promise.all([
    stockOfSku(sku),
    expectedSupplyOf(sku),
    getProducts([sku]),
  ]);
  if (!products.has(sku) && rows.length === 0) throw new NotFound(`product ${sku} does not exist`);
  return json(200, skuInventory(sku, rows, expected, channel));
});

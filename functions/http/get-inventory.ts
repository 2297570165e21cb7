import { stockOfSku } from '../adapters/inventory-store.ts';
import { getProducts } from '../adapters/network-store.ts';
import { networkAts, publicStock } from '../core/inventory/stock.ts';
import { NotFound } from '../shared/errors.ts';
import { httpRoute, json } from '../shared/middleware.ts';
import { apiQuery, id } from '../shared/schemas.ts';

export const handler = httpRoute(apiQuery({ sku: id }, {}), async (event) => {
  const { sku } = event.pathParameters;
  const [rows, products] = await Promise.all([stockOfSku(sku), getProducts([sku])]);
  if (!products.has(sku) && rows.length === 0) throw new NotFound(`product ${sku} does not exist`);
  const locations = rows.map(publicStock).sort((a, b) => a.locationId.localeCompare(b.locationId));
  return json(200, { sku, ats: networkAts(rows), locations: locations.map(({ sku: _sku, ...row }) => row) });
});

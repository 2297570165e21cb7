import type { Location, Product } from '../core/network.ts';
import { UnknownReference } from '../shared/errors.ts';
import { getLocation, getProducts } from './network-store.ts';

/** The location and product a stock row is about; 422 when either is unknown or the SKU is a kit. */
export async function requireStockReferences(
  locationId: string,
  sku: string,
): Promise<{ location: Location; product: Product }> {
  const [location, products] = await Promise.all([getLocation(locationId), getProducts([sku])]);
  const product = products.get(sku);
  if (!location)
    throw new UnknownReference(`location ${locationId} does not exist`, {
      errors: [{ field: 'locationId', message: 'unknown location' }],
    });
  if (!product)
    throw new UnknownReference(`product ${sku} does not exist`, {
      errors: [{ field: 'sku', message: 'unknown SKU' }],
    });
  if (product.kit?.length)
    throw new UnknownReference(`${sku} is a kit: it holds no stock of its own, its components do`, {
      errors: [{ field: 'sku', message: 'is a kit' }],
    });
  return { location, product };
}

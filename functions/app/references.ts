import { holdsStock, type Location, type Product } from '../core/network.ts';
import { UnknownReference } from '../shared/errors.ts';
import type { NetworkRepository } from './ports.ts';

/** The location and product a stock row is about; 422 when either is unknown or the SKU is a kit. */
export async function requireStockReferences(
  network: NetworkRepository,
  locationId: string,
  sku: string,
): Promise<{ location: Location; product: Product }> {
  const [location, products] = await Promise.all([
    network.getLocation(locationId),
    network.getProducts([sku]),
  ]);
  const product = products.get(sku);
  if (!location)
    throw new UnknownReference(`location ${locationId} does not exist`, {
      errors: [{ field: 'locationId', message: 'unknown location' }],
    });
  if (!product)
    throw new UnknownReference(`product ${sku} does not exist`, {
      errors: [{ field: 'sku', message: 'unknown SKU' }],
    });
  if (!holdsStock(product))
    throw new UnknownReference(`${sku} is a kit: it holds no stock of its own, its components do`, {
      errors: [{ field: 'sku', message: 'is a kit' }],
    });
  return { location, product };
}

/** 422 naming each unknown SKU (by line) and an unknown store, before anything is written. */
export async function requireOrderReferences(
  network: NetworkRepository,
  lines: { sku: string }[],
  delivery: { storeId?: string | undefined },
): Promise<void> {
  const [products, store] = await Promise.all([
    network.getProducts(lines.map((l) => l.sku)),
    delivery.storeId ? network.getLocation(delivery.storeId) : undefined,
  ]);
  const errors = lines.flatMap((line, i) =>
    products.has(line.sku)
      ? []
      : [{ field: `lines.${i}.sku`, message: `${line.sku} is not a known product` }],
  );
  if (delivery.storeId && !store)
    errors.push({ field: 'delivery.storeId', message: `${delivery.storeId} is not a known location` });
  if (errors.length > 0)
    throw new UnknownReference('the request names unknown products or locations', { errors });
}

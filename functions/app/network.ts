import { kitProblems, type Location, type Product } from '../core/network.ts';
import { NotFound, UnknownReference, ValidationFailed } from '../shared/errors.ts';
import type { AppPorts } from './ports.ts';

type NetworkPorts = Pick<AppPorts, 'network'>;

export const putLocation = (ports: NetworkPorts, location: Location) => ports.network.putLocation(location);

export async function locationById(ports: NetworkPorts, locationId: string) {
  const location = await ports.network.getLocation(locationId);
  if (!location) throw new NotFound(`location ${locationId} does not exist`);
  return location;
}

export async function listLocations(ports: NetworkPorts) {
  const locations = await ports.network.listLocations();
  return { items: locations.sort((a, b) => a.locationId.localeCompare(b.locationId)) };
}

/** A product, or a kit of known products that are not kits themselves. */
export async function putProduct(ports: NetworkPorts, product: Product) {
  const kit = product.kit ?? [];
  const components = kit.length > 0 ? await ports.network.getProducts(kit.map((c) => c.sku)) : new Map();
  const { unknown, invalid } = kitProblems(product.sku, kit, components);
  if (invalid === 'contains the kit itself')
    throw new ValidationFailed('a kit cannot contain itself', {
      errors: [{ field: 'kit', message: invalid }],
    });
  if (unknown.length > 0)
    throw new UnknownReference(`unknown kit components: ${unknown.join(', ')}`, {
      errors: unknown.map((sku) => ({ field: 'kit.sku', message: `${sku} is not a known product` })),
    });
  if (invalid)
    throw new ValidationFailed('a kit cannot contain another kit', {
      errors: [{ field: 'kit', message: invalid }],
    });
  return ports.network.putProduct(product);
}

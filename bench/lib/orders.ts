import { builtInCarriers } from '../../functions/core/carriers/carriers.ts';
import type { GeoPoint, Product } from '../../functions/core/network.ts';
import { groupOrderLines } from '../../functions/core/orders/lines.ts';
import type { OrderLine } from '../../functions/core/orders/types.ts';
import type { SourcingRequest } from '../../functions/core/sourcing/types.ts';
import { createDestinationSampler } from '../../local/demo/destinations.ts';
import { mulberry32, weightedSampler } from '../../local/demo/random.ts';
import { type BenchCatalogue, type BenchNetwork, benchAt } from './network.ts';

/** A home-delivery order: lines (distinct SKUs, kits included) and a destination drawn by population. */
export interface BenchOrder {
  orderId: string;
  lines: OrderLine[];
  destination: GeoPoint;
  postcode: string;
  city: string;
}

/** `count` orders of `linesPerOrder` distinct SKUs, drawn by popularity; quantities mostly 1. */
export function benchOrders(
  catalogue: BenchCatalogue,
  count: number,
  seed: number,
  linesPerOrder = 5,
): BenchOrder[] {
  const random = mulberry32(seed ^ 0x0dde5);
  const drawAddress = createDestinationSampler(random);
  const drawProduct = weightedSampler(
    random,
    catalogue.products.map((p) => p.popularity),
  );
  return Array.from({ length: count }, (_, i) => {
    const skus = new Set<string>();
    while (skus.size < linesPerOrder) skus.add(catalogue.products[drawProduct()]?.sku ?? '');
    const lines = [...skus].map((sku) => {
      const roll = random();
      return { sku, quantity: roll < 0.8 ? 1 : roll < 0.95 ? 2 : 3 };
    });
    const address = drawAddress();
    return {
      orderId: `BENCH-${String(i + 1).padStart(5, '0')}`,
      lines,
      destination: { lat: address.lat, lon: address.lon },
      postcode: address.postcode,
      city: address.city,
    };
  });
}

/**
 * The request `sourcingRequestFor` (functions/app/sourcing-inputs.ts) builds from the stores,
 * built here from memory (the built-in carriers, standard service): the order's products and their kit components, the groups, every location
 * (listed in key order, as the network table returns them), the available units of the order's
 * SKUs by location then SKU (zero rows included, negative clamped to zero), and the shipments each
 * location with a daily capacity can still take today.
 */
export function sourcingRequest(
  order: BenchOrder,
  network: BenchNetwork,
  catalogue: BenchCatalogue,
): SourcingRequest {
  const products = new Map<string, Product>();
  const addProduct = (sku: string) => {
    const product = catalogue.bySku.get(sku);
    if (product) products.set(sku, productOf(product));
  };
  for (const line of order.lines) addProduct(line.sku);
  const groups = groupOrderLines(order.lines, products);
  for (const group of groups) for (const line of group.lines) addProduct(line.sku);

  const available = new Map<string, Map<string, number>>();
  for (const sku of new Set(groups.flatMap((g) => g.lines.map((l) => l.sku)))) {
    for (const [locationId, units] of network.availableBySku.get(sku) ?? []) {
      const perSku = available.get(locationId) ?? new Map<string, number>();
      perSku.set(sku, Math.max(0, units));
      available.set(locationId, perSku);
    }
  }
  return {
    groups,
    mode: 'home',
    storeId: undefined,
    destination: { lat: order.destination.lat, lon: order.destination.lon },
    postcode: order.postcode,
    carriers: builtInCarriers,
    service: 'standard',
    locations: network.locations,
    products,
    available,
    excluded: new Set<string>(),
    at: benchAt,
    capacityLeft: network.capacityLeft,
  };
}

/** The product as the network table stores it: no benchmark-only fields. */
function productOf({
  popularity: _popularity,
  dropshipOnly: _dropshipOnly,
  ...product
}: Product & {
  popularity?: number;
  dropshipOnly?: boolean;
}): Product {
  return product;
}

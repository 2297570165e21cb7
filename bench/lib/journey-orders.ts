import type { DemoProduct } from '../../local/demo/catalogue.ts';
import { createDestinationSampler } from '../../local/demo/destinations.ts';
import type { DemoNetwork } from '../../local/demo/network.ts';
import { mulberry32 } from '../../local/demo/random.ts';

/** The body of `POST /orders` (without `orderId`, which each phase names itself). */
export type OrderBody = Record<string, unknown>;

const channels = ['web', 'web', 'web', 'marketplace', 'store', 'callcenter'] as const;

/**
 * `count` home-delivery orders as the demo's shoppers place them: 1–3 distinct lines of the
 * catalogue (mostly one unit), to a town drawn by population, one in five express. The same seed
 * gives the same list on every machine, so a run before a change and one after replay the same orders.
 */
export function homeOrders(products: readonly DemoProduct[], count: number, seed: number): OrderBody[] {
  const random = mulberry32(seed);
  const destination = createDestinationSampler(random);
  const choose = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: count }, () => {
    const customer = Math.floor(random() * 100_000);
    const lineCount = 1 + Math.floor(random() * 3);
    const skus = new Set<string>();
    const lines: { sku: string; quantity: number; unitPrice: number }[] = [];
    for (let i = 0; i < lineCount * 3 && lines.length < lineCount; i++) {
      const product = choose(products);
      if (skus.has(product.sku)) continue;
      skus.add(product.sku);
      lines.push({ sku: product.sku, quantity: random() < 0.8 ? 1 : 2, unitPrice: product.unitPrice });
    }
    return {
      channel: choose(channels),
      customer: { id: `CUST-${String(customer).padStart(5, '0')}`, email: `customer${customer}@example.com` },
      delivery: { mode: 'home', address: destination(), service: random() < 0.2 ? 'express' : 'standard' },
      lines,
    };
  });
}

/**
 * Products each stocked at one warehouse only, a different one each: an order of the first `n` of
 * them ships as exactly `n` parcels, whatever the objective prefers. Added to the network before it
 * is seeded; they measure what each extra parcel costs.
 */
export function addSplitProducts(network: DemoNetwork, count: number, onHand: number): DemoProduct[] {
  const warehouses = network.locations.filter(
    (l) => l.type === 'warehouse' && l.capabilities.includes('ship'),
  );
  if (warehouses.length < count)
    throw new Error(`the network has ${warehouses.length} warehouses, ${count} needed`);
  const products = Array.from({ length: count }, (_, i) => ({
    sku: `BENCH-PARCEL-${i + 1}`,
    name: `Benchmark parcel ${i + 1}`,
    weightKg: 1,
    unitPrice: 10,
  }));
  network.products.push(...products);
  products.forEach((product, i) => {
    network.stock.push({
      locationId: (warehouses[i] as { locationId: string }).locationId,
      sku: product.sku,
      onHand,
    });
  });
  return products;
}

/** A home order of one unit of each of `products`, to Paris: one parcel per product. */
export function parcelOrder(products: readonly DemoProduct[]): OrderBody {
  return {
    channel: 'web',
    customer: { id: 'CUST-BENCH', email: 'bench@example.com' },
    delivery: {
      mode: 'home',
      service: 'standard',
      address: {
        line1: '1 rue de Rivoli',
        postcode: '75001',
        city: 'Paris',
        country: 'FR',
        lat: 48.8606,
        lon: 2.3376,
      },
    },
    lines: products.map((p) => ({ sku: p.sku, quantity: 1, unitPrice: p.unitPrice })),
  };
}

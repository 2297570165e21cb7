import type { Location, Product } from '../../functions/core/network.ts';
import type { NewOrder } from '../../functions/core/orders/order.ts';
import type { OrderLine } from '../../functions/core/orders/types.ts';
import { createDestinationSampler } from '../../local/demo/destinations.ts';
import { mulberry32, type Random } from '../../local/demo/random.ts';

/**
 * The reservation benchmark's world: eight locations, a few hot SKUs stocked at three of them, two
 * scarce SKU that runs out mid-run at each of three locations in turn, a cold range stocked everywhere, and
 * 3-to-5-line home orders to real French addresses. Pure and seeded: the same seed, the same world.
 */

const warehouse = (locationId: string, name: string, lat: number, lon: number): Location => ({
  locationId,
  name,
  type: 'warehouse',
  lat,
  lon,
  capabilities: ['ship'],
  dailyCapacity: 50_000,
});
const store = (locationId: string, name: string, lat: number, lon: number): Location => ({
  locationId,
  name,
  type: 'store',
  lat,
  lon,
  capabilities: ['ship', 'click_collect'],
  dailyCapacity: 20_000,
});

/** Each with a daily capacity large enough never to refuse: the counters are claimed, not exhausted. */
export const benchLocations: readonly Location[] = [
  warehouse('WH-PARIS', 'Entrepôt Gennevilliers', 48.933, 2.293),
  warehouse('WH-LYON', 'Entrepôt Saint-Priest', 45.695, 4.944),
  warehouse('WH-BORDEAUX', 'Entrepôt Mérignac', 44.838, -0.647),
  store('ST-PARIS-01', 'Paris Opéra', 48.871, 2.332),
  store('ST-LYON-01', 'Lyon Bellecour', 45.757, 4.832),
  store('ST-MARSEILLE-01', 'Marseille Vieux-Port', 43.295, 5.374),
  store('ST-LILLE-01', 'Lille Grand Place', 50.637, 3.063),
  store('ST-NANTES-01', 'Nantes Commerce', 47.213, -1.559),
];
const everywhere = benchLocations.map((l) => l.locationId);
export const hotLocations = ['WH-PARIS', 'WH-LYON', 'ST-PARIS-01'];
/** units of the scarce SKU by location: the nearest runs out first, and a refusal there finds the next */
export const scarceUnits: Readonly<Record<string, number>> = {
  'ST-PARIS-01': 20,
  'WH-PARIS': 40,
  'WH-LYON': 80,
};
const plenty = 1_000_000;

export const hotSkus = ['HOT-1', 'HOT-2', 'HOT-3', 'HOT-4'];
/** one SKU, so that orders racing for its last units at a location are many */
export const scarceSkus = ['SCARCE-1'];
export const coldSkus = Array.from({ length: 300 }, (_, i) => `COLD-${String(i + 1).padStart(3, '0')}`);
/** the warm-up's own SKUs, so that it leaves the measured rows untouched */
export const warmSkus = Array.from({ length: 20 }, (_, i) => `WARM-${String(i + 1).padStart(2, '0')}`);

export function benchProducts(seed: number): Product[] {
  const random = mulberry32(seed ^ 0x5eed);
  return [...hotSkus, ...scarceSkus, ...coldSkus, ...warmSkus].map((sku) => ({
    sku,
    name: `Benchmark article ${sku}`,
    weightKg: Math.round((0.1 + random() * 2.9) * 100) / 100,
  }));
}

/** A stock count as the count use case takes it. */
export interface BenchStockCount {
  sku: string;
  locationId: string;
  onHand: number;
  safetyStock: number;
}

export const benchStock: readonly BenchStockCount[] = [
  ...hotSkus.flatMap((sku) =>
    hotLocations.map((locationId) => ({ sku, locationId, onHand: plenty, safetyStock: 2 })),
  ),
  ...scarceSkus.flatMap((sku) =>
    Object.entries(scarceUnits).map(([locationId, onHand]) => ({ sku, locationId, onHand, safetyStock: 0 })),
  ),
  ...[...coldSkus, ...warmSkus].flatMap((sku) =>
    everywhere.map((locationId) => ({ sku, locationId, onHand: plenty, safetyStock: 0 })),
  ),
];

export const stockRowKey = (sku: string, locationId: string) => `${sku}@${locationId}`;

export interface OrderMix {
  hot: readonly string[];
  scarce: readonly string[];
  cold: readonly string[];
}
export const measuredMix: OrderMix = { hot: hotSkus, scarce: scarceSkus, cold: coldSkus };
export const warmMix: OrderMix = { hot: warmSkus.slice(0, 2), scarce: [], cold: warmSkus.slice(2) };

/**
 * `count` orders of 3 to 5 lines: 80% hold a hot SKU, 15% the scarce one, the rest from the cold
 * range; quantities 1 (80%) or 2; delivered home to an address drawn by population. The orders
 * with the scarce SKU come together in the middle, a flash sale: spread over the run, two of them
 * seldom race for a location's last units (the use case reads the stock before it sources), and
 * a refused reservation, the path that sources again, would hardly ever be taken.
 */
export function benchOrderInputs(count: number, prefix: string, random: Random, mix: OrderMix): NewOrder[] {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const drawAddress = createDestinationSampler(random);
  const orders = Array.from({ length: count }, (_, i): NewOrder => {
    const size = 3 + Math.floor(random() * 3);
    const chosen = new Set<string>();
    if (random() < 0.8) chosen.add(pick(mix.hot));
    if (mix.scarce.length > 0 && random() < 0.15) chosen.add(pick(mix.scarce));
    while (chosen.size < size) chosen.add(pick(mix.cold));
    const lines: OrderLine[] = [...chosen].map((sku) => ({ sku, quantity: random() < 0.8 ? 1 : 2 }));
    return {
      orderId: `${prefix}-${String(i + 1).padStart(6, '0')}`,
      channel: 'web',
      customer: { id: `C-${prefix}-${i + 1}` },
      delivery: { mode: 'home', address: drawAddress() },
      lines,
    };
  });
  const wantsScarce = (order: NewOrder) => order.lines.some((l) => mix.scarce.includes(l.sku));
  const others = orders.filter((o) => !wantsScarce(o));
  const middle = Math.floor(others.length / 2);
  return [...others.slice(0, middle), ...orders.filter(wantsScarce), ...others.slice(middle)];
}

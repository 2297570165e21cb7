import { describe, expect, it } from 'vitest';
import { demoDestinations } from '../../local/demo/destinations.ts';
import { frenchCities } from '../../local/demo/french-cities.ts';
import { buildDemoNetwork, idSlug } from '../../local/demo/network.ts';
import { DEMO_SEED, mulberry32 } from '../../local/demo/random.ts';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const network = buildDemoNetwork();

function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

describe('mulberry32', () => {
  it('is reproducible and stays in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
  });
});

describe('idSlug', () => {
  it('turns a French city name into an id fragment', () => {
    expect(idSlug('Saint-Étienne')).toBe('SAINT-ETIENNE');
    expect(idSlug('Nîmes')).toBe('NIMES');
    expect(idSlug("L'Haÿ-les-Roses")).toBe('L-HAY-LES-ROSES');
    expect(idSlug('Le Havre')).toBe('LE-HAVRE');
  });
});

describe('buildDemoNetwork', { timeout: 30_000 }, () => {
  it('is deterministic: the same seed gives the same network, another seed other details', () => {
    expect(buildDemoNetwork(DEMO_SEED)).toEqual(network);
    expect(buildDemoNetwork(1234)).toEqual(buildDemoNetwork(1234));
    expect(buildDemoNetwork(1234).stock).not.toEqual(network.stock);
    // The places are fixed by the data, not by the seed.
    expect(buildDemoNetwork(1234).locations.map((l) => l.locationId)).toEqual(
      network.locations.map((l) => l.locationId),
    );
  });

  it('has 4 warehouses, 20 stores and 2 dropship suppliers with unique, valid ids', () => {
    const count = (type: string) => network.locations.filter((l) => l.type === type).length;
    expect(count('warehouse')).toBe(4);
    expect(count('store')).toBe(20);
    expect(count('supplier')).toBe(2);
    const ids = network.locations.map((l) => l.locationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(ID);
    expect(ids).toEqual(expect.arrayContaining(['WH-LYON', 'WH-PARIS', 'ST-PARIS-01', 'ST-PARIS-02']));
  });

  it('gives every store ship, click & collect and e-reservation; warehouses and suppliers ship', () => {
    for (const location of network.locations) {
      if (location.type === 'store') {
        expect(location.capabilities).toEqual(
          expect.arrayContaining(['ship', 'click_collect', 'e_reservation']),
        );
      } else {
        expect(location.capabilities).toEqual(['ship']);
      }
    }
  });

  it('puts stores in the most populous cities and every site near a real French town', () => {
    const cities = frenchCities();
    const storeIds = network.locations.filter((l) => l.type === 'store').map((l) => l.locationId);
    for (const big of ['PARIS', 'MARSEILLE', 'LYON', 'TOULOUSE', 'NICE', 'NANTES', 'LILLE', 'BORDEAUX']) {
      expect(storeIds).toContain(`ST-${big}-01`);
    }
    for (const location of network.locations) {
      const nearest = Math.min(...cities.map((city) => distanceKm(city, location)));
      expect(nearest, location.locationId).toBeLessThan(3);
      expect(location.lat).toBeGreaterThan(41);
      expect(location.lat).toBeLessThan(51.2);
      expect(location.postcode, location.locationId).toMatch(/^\d{5}$/);
    }
    const paris = network.locations.find((l) => l.locationId === 'ST-PARIS-01');
    expect(paris?.postcode).toMatch(/^75/);
  });

  it('has contract-valid optional fields', () => {
    for (const location of network.locations) {
      if (location.priority !== undefined) expect(location.priority).toBeGreaterThanOrEqual(1);
      if (location.priority !== undefined) expect(location.priority).toBeLessThanOrEqual(10);
      if (location.performance !== undefined) expect(location.performance).toBeGreaterThanOrEqual(0);
      if (location.performance !== undefined) expect(location.performance).toBeLessThanOrEqual(1);
      if (location.cutoffTime !== undefined) expect(location.cutoffTime).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      expect(location.name.length).toBeGreaterThan(0);
    }
  });

  it('has a catalogue of 30 products with hazmat, oversize, one kit and one end of series', () => {
    const { products } = network;
    expect(products).toHaveLength(30);
    const skus = products.map((p) => p.sku);
    expect(new Set(skus).size).toBe(30);
    for (const product of products) {
      expect(product.sku).toMatch(/^SKU-\d{4}$/);
      expect(product.weightKg).toBeGreaterThan(0);
    }
    expect(products.filter((p) => p.handling?.includes('hazmat')).length).toBeGreaterThanOrEqual(2);
    expect(products.filter((p) => p.handling?.includes('oversize')).length).toBeGreaterThanOrEqual(2);
    expect(products.filter((p) => p.endOfSeries)).toHaveLength(1);
    const kits = products.filter((p) => p.kit);
    expect(kits).toHaveLength(1);
    const components = kits[0]?.kit ?? [];
    expect(components).toHaveLength(2);
    for (const component of components) {
      const product = products.find((p) => p.sku === component.sku);
      expect(product?.kit).toBeUndefined();
    }
  });

  it('stocks real locations and products, never a kit, and special handling only where it is handled', () => {
    const locations = new Map(network.locations.map((l) => [l.locationId, l]));
    const products = new Map(network.products.map((p) => [p.sku, p]));
    const keys = new Set<string>();
    for (const row of network.stock) {
      const location = locations.get(row.locationId);
      const product = products.get(row.sku);
      expect(location, row.locationId).toBeDefined();
      expect(product, row.sku).toBeDefined();
      expect(product?.kit).toBeUndefined();
      for (const need of product?.handling ?? []) expect(location?.handling ?? []).toContain(need);
      expect(Number.isInteger(row.onHand) && row.onHand > 0).toBe(true);
      if (row.safetyStock !== undefined) expect(row.safetyStock).toBeLessThan(row.onHand);
      keys.add(`${row.locationId}/${row.sku}`);
    }
    expect(keys.size).toBe(network.stock.length);
    // Every sellable product has stock somewhere.
    for (const product of network.products.filter((p) => !p.kit)) {
      expect(
        network.stock.some((row) => row.sku === product.sku),
        product.sku,
      ).toBe(true);
    }
  });

  it('keeps warehouses deep and stores shallow, with safety stock on some rows', () => {
    const typeOf = new Map(network.locations.map((l) => [l.locationId, l.type]));
    const onHand = (type: string) =>
      network.stock.filter((r) => typeOf.get(r.locationId) === type).map((r) => r.onHand);
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    expect(median(onHand('warehouse'))).toBeGreaterThan(100);
    expect(Math.max(...onHand('store'))).toBeLessThanOrEqual(25);
    const withSafety = network.stock.filter((r) => r.safetyStock !== undefined).length;
    expect(withSafety).toBeGreaterThan(0);
    expect(withSafety).toBeLessThan(network.stock.length);
  });
});

describe('demoDestinations', { timeout: 30_000 }, () => {
  it('is deterministic and gives complete French addresses', () => {
    const addresses = demoDestinations(200, 99);
    expect(demoDestinations(200, 99)).toEqual(addresses);
    expect(demoDestinations(200, 100)).not.toEqual(addresses);
    for (const address of addresses) {
      expect(address.country).toBe('FR');
      expect(address.postcode).toMatch(/^\d{5}$/);
      expect(address.line1).toMatch(/^\d+ \S/);
      expect(address.city.length).toBeGreaterThan(0);
      expect(address.lat).toBeGreaterThan(41);
      expect(address.lat).toBeLessThan(51.2);
      expect(address.lon).toBeGreaterThan(-5.2);
      expect(address.lon).toBeLessThan(9.7);
    }
  });

  it('draws towns in proportion to their population', () => {
    const draws = 10_000;
    const addresses = demoDestinations(draws, 2024);
    const count = (city: string) => addresses.filter((a) => a.city === city).length;

    const towns = frenchCities().filter((city) => city.postcodes.length > 0);
    const total = towns.reduce((sum, town) => sum + town.population, 0);
    const paris = towns.find((town) => town.name === 'Paris');
    const share = (paris?.population ?? 0) / total;
    const expected = draws * share;
    const sigma = Math.sqrt(draws * share * (1 - share));
    expect(Math.abs(count('Paris') - expected)).toBeLessThan(4 * sigma);

    const smallTown = towns.find((town) => town.population < 2000);
    expect(smallTown).toBeDefined();
    expect(count(smallTown?.name ?? '')).toBeLessThanOrEqual(5);
    expect(count('Paris')).toBeGreaterThan(20 * Math.max(1, count(smallTown?.name ?? '')));
    expect(count('Paris')).toBeGreaterThan(count('Lyon'));
  });
});

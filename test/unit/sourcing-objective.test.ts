import { describe, expect, it } from 'vitest';
import type { Location, Product } from '../../functions/core/network.ts';
import type { OrderLine } from '../../functions/core/orders/types.ts';
import { sourcingRules } from '../../functions/core/sourcing/candidates.ts';
import { type OptimalSourcingResult, sourceOptimal } from '../../functions/core/sourcing/optimal.ts';
import { defaultProfile, type SourcingProfile } from '../../functions/core/sourcing/profile.ts';
import {
  flatCarrier,
  freeCarrier,
  places,
  type Stock,
  sourcingRequests,
  warehouse,
} from '../support/sourcing.ts';

const { paris, montreuil, vincennes, orleans, lyon } = places;
const at = new Date('2025-03-03T10:00:00.000Z');

const catalogue: Product[] = [
  { sku: 'A', name: 'Lamp', weightKg: 2 },
  { sku: 'B', name: 'Shade', weightKg: 0.5 },
  { sku: 'C', name: 'Bulb', weightKg: 0.1 },
  { sku: 'E', name: 'Old lamp', weightKg: 2, endOfSeries: true },
  { sku: 'H', name: 'Lamp oil', weightKg: 1, handling: ['hazmat'] },
];
// The terms other than the carrier's are tested with parcels that cost nothing; the explanation and
// the carrier terms with the built-in carriers' rate cards.
const { request } = sourcingRequests(catalogue, { destination: paris, at, carriers: [freeCarrier] });
const { request: priced } = sourcingRequests(catalogue, { destination: paris, at });

const location = warehouse;

function shippedFrom(result: OptimalSourcingResult): string[] {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result.shipments.map((s) => s.locationId);
}

const one = (sku: string, quantity = 1): OrderLine => ({ sku, quantity });

/** Every weight zero: a test switches on the one term it looks at. */
const nothing: SourcingProfile = {
  id: 'nothing',
  version: 1,
  maxShipments: 4,
  costs: {
    defaultHandling: 0,
    splitPenalty: 0,
    co2PricePerKg: 0,
    performancePenalty: 0,
    priorityPenaltyPerRank: 0,
    destockingBonusPerUnit: 0,
    storageDays: 0,
  },
};
const only = (costs: Partial<SourcingProfile['costs']>): SourcingProfile => ({
  ...nothing,
  costs: { ...nothing.costs, ...costs },
});

describe('sourceOptimal: each cost term moves the choice', () => {
  // Two locations at the same place: with every weight at zero they tie and the smaller id (A-…)
  // wins, so each test gives A-… the worse value of the term under test.
  const twins = (a: Partial<Location>, b: Partial<Location>) => [
    location('A-LOC', montreuil, a),
    location('B-LOC', montreuil, b),
  ];
  const stock = { 'A-LOC': { A: 9 }, 'B-LOC': { A: 9 } };

  it('ties break on the location id when nothing else differs', () => {
    expect(shippedFrom(sourceOptimal(request([one('A')], twins({}, {}), stock), nothing))).toEqual(['A-LOC']);
  });

  it('handling cost: the cheaper site to pick and pack wins', () => {
    const result = sourceOptimal(
      request([one('A')], twins({ handlingCost: 2 }, { handlingCost: 0.5 }), stock),
      only({ defaultHandling: 1 }),
    );
    expect(shippedFrom(result)).toEqual(['B-LOC']);
    expect(result.explanation.costTerms.handling).toBe(0.5);
  });

  it('store performance: the site that often fails its picks pays (1 − performance) × penalty', () => {
    const result = sourceOptimal(
      request([one('A')], twins({ performance: 0.5 }, { performance: 0.9 }), stock),
      only({ performancePenalty: 3 }),
    );
    expect(shippedFrom(result)).toEqual(['B-LOC']);
    expect(result.explanation.costTerms.performance).toBeCloseTo(0.3, 12);
  });

  it('ranked priority: a cost per rank above 1, not an exclusion', () => {
    const result = sourceOptimal(
      request([one('A')], twins({ priority: 7 }, { priority: 2 }), stock),
      only({ priorityPenaltyPerRank: 0.5 }),
    );
    expect(shippedFrom(result)).toEqual(['B-LOC']);
    expect(result.explanation.costTerms.priority).toBe(0.5);
    // A better rank far away loses to a worse one next door once distance costs more than the ranks:
    // 8 ranks at 0.5 € against a national parcel 5 € dearer than a local one.
    const far = [location('NEAR', montreuil, { priority: 9 }), location('FAR', lyon, { priority: 1 })];
    const both = { NEAR: { A: 9 }, FAR: { A: 9 } };
    const byZone = flatCarrier('by-zone', { local: 1, regional: 3, national: 6 });
    const ranked = only({ priorityPenaltyPerRank: 0.5 });
    expect(shippedFrom(sourceOptimal(request([one('A')], far, both), ranked))).toEqual(['FAR']);
    expect(
      shippedFrom(sourceOptimal(request([one('A')], far, both, { carriers: [byZone] }), ranked)),
    ).toEqual(['NEAR']);
  });

  it('storage: shipping from the site where a unit costs most to keep saves that storage', () => {
    const result = sourceOptimal(
      request([one('A', 2)], twins({ storageCostPerUnitDay: 0.01 }, { storageCostPerUnitDay: 0.05 }), stock),
      only({ storageDays: 30 }),
    );
    expect(shippedFrom(result)).toEqual(['B-LOC']);
    expect(result.explanation.costTerms.storageSaving).toBeCloseTo(-3, 12);
    expect(result.explanation.costTerms.total).toBeCloseTo(-3, 12);
  });

  it('destocking: units from a site holding a surplus earn the bonus', () => {
    const surplus = { 'A-LOC': { A: 3 }, 'B-LOC': { A: 40 } };
    const result = sourceOptimal(
      request([one('A', 2)], twins({}, {}), surplus),
      only({ destockingBonusPerUnit: 0.4, surplusUnits: 20 }),
    );
    expect(shippedFrom(result)).toEqual(['B-LOC']);
    expect(result.explanation.costTerms.destockingBonus).toBeCloseTo(-0.8, 12);
  });

  it('destocking: every unit of an end-of-series product earns the bonus', () => {
    const result = sourceOptimal(
      request([one('E', 3)], twins({}, {}), { 'A-LOC': { E: 5 } }),
      only({ destockingBonusPerUnit: 0.4 }),
    );
    expect(result.explanation.costTerms.destockingBonus).toBeCloseTo(-1.2, 12);
  });

  it("CO2: the carrier's factor, priced per kg, sends heavy parcels from nearer sites", () => {
    const locations = [location('A-FAR', lyon), location('B-NEAR', orleans)];
    // one price everywhere: only the emissions differ
    const road = flatCarrier('road', 5, { co2KgPerTonneKm: 0.25 });
    const result = sourceOptimal(
      request([one('A', 5)], locations, { 'A-FAR': { A: 9 }, 'B-NEAR': { A: 9 } }, { carriers: [road] }),
      only({ co2PricePerKg: 0.1 }),
    );
    expect(shippedFrom(result)).toEqual(['B-NEAR']);
    const km = result.ok ? (result.shipments[0]?.distanceKm ?? 0) : 0;
    // 10 kg over ~110 km at 0.25 kg per tonne-km, 0.10 € a kg
    expect(result.explanation.co2Kg).toBeCloseTo((10 / 1000) * km * 0.25, 2);
    expect(result.explanation.costTerms.co2).toBeCloseTo(result.explanation.co2Kg * 0.1, 12);
    expect(result.explanation.costTerms.carrierPrice).toBe(5);
  });

  it('CO2: between two carriers of one price, the one that emits less', () => {
    const locations = [location('ONLY', orleans)];
    const diesel = flatCarrier('a-diesel', 5, { co2KgPerTonneKm: 0.3 });
    const gas = flatCarrier('b-biogas', 5, { co2KgPerTonneKm: 0.1 });
    const result = sourceOptimal(
      request([one('A', 5)], locations, { ONLY: { A: 9 } }, { carriers: [diesel, gas] }),
      only({ co2PricePerKg: 0.1 }),
    );
    expect(result.ok && result.shipments[0]?.carrier?.carrierId).toBe('b-biogas');
  });

  it('the split penalty is paid once per shipment beyond the first', () => {
    const locations = [location('N1', montreuil), location('N2', vincennes), location('FAR', orleans)];
    const stock3 = { N1: { A: 1 }, N2: { B: 1 }, FAR: { A: 1, B: 1 } };
    const lines = [one('A'), one('B')];
    // two local parcels (2 × 1 €) against one regional parcel (3 €)
    const byZone = { carriers: [flatCarrier('by-zone', { local: 1, regional: 3, national: 6 })] };
    expect(shippedFrom(sourceOptimal(request(lines, locations, stock3, byZone), nothing))).toEqual([
      'N1',
      'N2',
    ]);
    const result = sourceOptimal(request(lines, locations, stock3, byZone), only({ splitPenalty: 2 }));
    expect(shippedFrom(result)).toEqual(['FAR']);
    expect(result.explanation.costTerms.total).toBe(3);
    expect(result.explanation.nextBest?.shipments).toBe(2);
    expect(result.explanation.nextBest?.cost).toBe(1 + 1 + 2);
  });
});

describe('sourceOptimal: deterministic tie-breaking', () => {
  const flat = nothing;
  // every parcel 1 €
  const request = sourcingRequests(catalogue, {
    destination: paris,
    at,
    carriers: [flatCarrier('one', 1)],
  }).request;

  it('equal cost: fewer shipments first', () => {
    // ZZ ships both lines for 1 + 2 = 3 €; A1 and A2 ship one each for 1.5 € + 1.5 €.
    const locations = [
      location('A1', montreuil, { handlingCost: 0.5 }),
      location('A2', montreuil, { handlingCost: 0.5 }),
      location('ZZ', montreuil, { handlingCost: 2 }),
    ];
    const stock = { A1: { A: 1 }, A2: { B: 1 }, ZZ: { A: 1, B: 1 } };
    const result = sourceOptimal(request([one('A'), one('B')], locations, stock), flat);
    expect(shippedFrom(result)).toEqual(['ZZ']);
    expect(result.explanation.nextBest).toMatchObject({ cost: 3, gap: 0, gapPct: 0, shipments: 2 });
  });

  it('equal cost and shipments: the lower priority numbers', () => {
    const locations = [
      location('A1', montreuil, { priority: 6 }),
      location('Z9', montreuil, { priority: 2 }),
    ];
    const result = sourceOptimal(request([one('A')], locations, { A1: { A: 1 }, Z9: { A: 1 } }), flat);
    expect(shippedFrom(result)).toEqual(['Z9']);
  });

  it('equal cost, shipments and priority: the smaller location id, whatever the input order', () => {
    const a = location('L-A', montreuil, { priority: 3 });
    const b = location('L-B', montreuil, { priority: 3 });
    const stock = { 'L-A': { A: 1 }, 'L-B': { A: 1 } };
    expect(shippedFrom(sourceOptimal(request([one('A')], [b, a], stock), flat))).toEqual(['L-A']);
    expect(shippedFrom(sourceOptimal(request([one('A')], [a, b], stock), flat))).toEqual(['L-A']);
  });
});

// A network that trips every rule once.
const network: Location[] = [
  location('WH-PARIS', montreuil, { handling: ['hazmat'], storageCostPerUnitDay: 0.01 }),
  location('WH-ORLEANS', orleans, { priority: 2, performance: 0.9 }),
  location('WH-LYON', lyon, { priority: 1, handling: ['hazmat'] }),
  location('ST-VINCENNES', vincennes, { type: 'store', capabilities: ['click_collect'] }),
  location('ST-DOWN', vincennes, {
    downtime: [{ from: '2025-03-01T00:00:00Z', to: '2025-03-04T00:00:00Z' }],
  }),
  location('ST-BUSY', vincennes),
  location('ST-FAILED', vincennes),
  location('ST-EMPTY', vincennes),
  location('ST-NOHAZ', montreuil),
];
const networkStock: Stock = {
  'WH-PARIS': { A: 1, H: 2 },
  'WH-ORLEANS': { A: 5, B: 5, C: 5 },
  'WH-LYON': { A: 9, B: 9, C: 9, H: 9 },
  'ST-VINCENNES': { A: 9, B: 9, C: 9, H: 9 },
  'ST-DOWN': { A: 9, B: 9, C: 9 },
  'ST-BUSY': { A: 9, B: 9, C: 9 },
  'ST-FAILED': { A: 9, B: 9, C: 9 },
  'ST-EMPTY': { Z: 9 },
  'ST-NOHAZ': { H: 9 },
};
const networkLines = [one('A'), one('B', 2), one('H'), one('C')];
const networkRequest = (locations = network) =>
  priced(networkLines, locations, networkStock, {
    excluded: new Set(['ST-FAILED']),
    capacityLeft: new Map([['ST-BUSY', 0]]),
  });

describe('sourceOptimal: the explanation', () => {
  const result = sourceOptimal(networkRequest());

  it('names every location it did not use as a candidate, with the rule that excluded it', () => {
    expect(result.explanation.excluded).toEqual([
      { locationId: 'ST-BUSY', rule: 'capacity', detail: 'no shipment left to prepare today' },
      {
        locationId: 'ST-DOWN',
        rule: 'downtime',
        detail: 'down from 2025-03-01T00:00:00Z to 2025-03-04T00:00:00Z',
      },
      { locationId: 'ST-EMPTY', rule: 'stock', detail: 'no available unit of any ordered SKU' },
      { locationId: 'ST-FAILED', rule: 'previously-failed', detail: 'rejected or failed this order' },
      { locationId: 'ST-NOHAZ', rule: 'stock', detail: 'not enough units to fill any line whole' },
      { locationId: 'ST-NOHAZ', rule: 'special-handling', sku: 'H', detail: 'needs hazmat' },
      { locationId: 'ST-VINCENNES', rule: 'capability', detail: 'cannot ship' },
    ]);
    for (const exclusion of result.explanation.excluded) expect(sourcingRules).toContain(exclusion.rule);
    expect(result.explanation.candidates).toBe(3);
    expect(result.explanation.strategy).toBe('exact-branch-and-bound');
    expect(result.explanation.profile).toEqual({ id: 'default', version: 3 });
  });

  it('gives the chosen plan with its cost terms, which sum to the total', () => {
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.explanation.assignment).toEqual([
      { orderSku: 'A', locationId: 'WH-LYON' },
      { orderSku: 'B', locationId: 'WH-LYON' },
      { orderSku: 'H', locationId: 'WH-LYON' },
      { orderSku: 'C', locationId: 'WH-LYON' },
    ]);
    const { total, ...terms } = result.explanation.costTerms;
    expect(Object.keys(terms).sort()).toEqual(
      [
        'carrierPrice',
        'co2',
        'destockingBonus',
        'handling',
        'lateDays',
        'performance',
        'priority',
        'splitPenalty',
        'storageSaving',
      ].sort(),
    );
    expect(Object.values(terms).reduce((a, b) => a + b, 0)).toBeCloseTo(total, 9);
    expect(result.cost).toBe(Math.round(total * 100) / 100);
    expect(result.shipments.reduce((s, p) => s + p.cost, 0)).toBeCloseTo(result.cost, 2);
    expect(result.explanation.chosen).toEqual(
      result.shipments.map((s) => ({
        locationId: s.locationId,
        distanceKm: s.distanceKm,
        skus: s.lines.map((l) => l.sku),
        cost: s.cost,
        carrier: s.carrier,
      })),
    );
    expect(result.explanation.costTerms.carrierPrice).toBe(
      result.shipments.reduce((sum, s) => sum + (s.carrier?.price ?? 0), 0),
    );
    expect(result.explanation.nodesExplored).toBeGreaterThan(0);
    expect(result.explanation.provenOptimal).toBe(true);
  });

  it('says how far the next-best routing was: another set of locations, never cheaper', () => {
    const next = result.explanation.nextBest;
    if (!next || !result.ok)
      throw new Error(`expected a next-best plan of an allocated order: ${JSON.stringify(result)}`);
    expect(next.gap).toBeGreaterThanOrEqual(0);
    expect(next.cost).toBeCloseTo(result.explanation.costTerms.total + next.gap, 9);
    expect(next.gapPct).toBeCloseTo((next.gap / result.explanation.costTerms.total) * 100, 9);
    expect(next.locationIds).not.toEqual(result.shipments.map((s) => s.locationId).sort());
    expect(next.locationIds).toEqual(['WH-ORLEANS', 'WH-PARIS']);
  });

  it('has no next-best plan when only one set of locations can ship the order', () => {
    const single = sourceOptimal(priced([one('A')], [location('ONLY', montreuil)], { ONLY: { A: 1 } }));
    expect(single.ok).toBe(true);
    expect(single.explanation.nextBest).toBeNull();
  });

  it('says so when the work limit stopped the search before it was proved optimal', () => {
    const stopped = sourceOptimal(networkRequest(), defaultProfile, { workLimit: 2 });
    expect(stopped.explanation.provenOptimal).toBe(false);
  });
});

describe('sourceOptimal: determinism', () => {
  it('gives the same answer to the same request', () => {
    expect(sourceOptimal(networkRequest())).toEqual(sourceOptimal(networkRequest()));
  });

  it('gives the same answer whatever the order of the locations', () => {
    const reference = sourceOptimal(networkRequest());
    const rotations = network.map((_, i) => [...network.slice(i), ...network.slice(0, i)]);
    for (const locations of [...rotations, [...network].reverse()])
      expect(sourceOptimal(networkRequest(locations))).toEqual(reference);
  });
});

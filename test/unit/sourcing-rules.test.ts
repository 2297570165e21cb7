import { describe, expect, it } from 'vitest';
import type { Location, Product } from '../../functions/core/network.ts';
import type { OrderLine } from '../../functions/core/orders/types.ts';
import { type OptimalSourcingResult, sourceOptimal } from '../../functions/core/sourcing/optimal.ts';
import { defaultProfile, type SourcingProfile } from '../../functions/core/sourcing/profile.ts';
import { flatCarrier, places, type Stock, sourcingRequests, warehouse } from '../support/sourcing.ts';

// Every test here sets a network where the location a rule excludes would otherwise be the
// cheapest choice, so that the test fails if the rule goes.

const { paris, montreuil, vincennes, orleans, lyon } = places;
const at = new Date('2025-03-03T10:00:00.000Z');

const catalogue: Product[] = [
  { sku: 'A', name: 'Lamp', weightKg: 1.5 },
  { sku: 'B', name: 'Shade', weightKg: 0.5 },
  { sku: 'C', name: 'Bulb', weightKg: 0.1 },
  { sku: 'H', name: 'Lamp oil', weightKg: 1, handling: ['hazmat'] },
  { sku: 'X', name: 'Frame', weightKg: 4 },
  { sku: 'Y', name: 'Wheel', weightKg: 2 },
  {
    sku: 'BIKE',
    name: 'Bike kit',
    weightKg: 8,
    kit: [
      { sku: 'X', quantity: 1 },
      { sku: 'Y', quantity: 2 },
    ],
  },
  {
    sku: 'STOVE',
    name: 'Camping stove kit',
    weightKg: 3,
    kit: [
      { sku: 'A', quantity: 1 },
      { sku: 'H', quantity: 1 },
    ],
  },
];
const { request } = sourcingRequests(catalogue, { destination: paris, at });

const location = warehouse;

/** The plan as [location, {sku: units}] per shipment. */
function plan(result: OptimalSourcingResult): [string, Record<string, number>][] {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result.shipments.map((s) => [
    s.locationId,
    Object.fromEntries(s.lines.map((l) => [l.sku, l.quantity])),
  ]);
}

const one = (sku: string, quantity = 1): OrderLine => ({ sku, quantity });
/**
 * Parcels priced by zone alone (1 € local, 5 € regional, 9 € national) and nothing else to pay for
 * a shipment: only distance counts, so splitting is cheap and a rule must hold it back.
 */
const byZone = flatCarrier('by-zone', { local: 1, regional: 5, national: 9 });
const zonePriced = (lines: OrderLine[], locations: Location[], stock: Stock) =>
  request(lines, locations, stock, { carriers: [byZone] });
const distanceOnly: SourcingProfile = {
  ...defaultProfile,
  id: 'distance-only',
  version: 1,
  costs: {
    ...defaultProfile.costs,
    defaultHandling: 0,
    splitPenalty: 0,
    priorityPenaltyPerRank: 0,
  },
};

describe('sourceOptimal: location rules', () => {
  const near = location('MONTREUIL', montreuil);
  const mid = location('ORLEANS', orleans);
  const stock = { MONTREUIL: { A: 5 }, ORLEANS: { A: 5 } };

  it('without any rule in the way, ships from the nearest location (the baseline of the tests below)', () => {
    expect(plan(sourceOptimal(request([one('A')], [mid, near], stock)))).toEqual([['MONTREUIL', { A: 1 }]]);
  });

  it('previously-failed: never goes back to a location that rejected the order', () => {
    const result = sourceOptimal(
      request([one('A')], [near, mid], stock, { excluded: new Set(['MONTREUIL']) }),
    );
    expect(plan(result)).toEqual([['ORLEANS', { A: 1 }]]);
    expect(result.explanation.excluded).toMatchObject([
      { locationId: 'MONTREUIL', rule: 'previously-failed' },
    ]);
  });

  it('not-the-chosen-store: click & collect is served by the chosen store only', () => {
    const warehouse = location('MONTREUIL', montreuil, { capabilities: ['ship', 'click_collect'] });
    const store = location('ORLEANS', orleans, { type: 'store', capabilities: ['click_collect'] });
    const result = sourceOptimal(
      request([one('A')], [warehouse, store], stock, {
        mode: 'click_collect',
        storeId: 'ORLEANS',
        destination: orleans,
      }),
    );
    expect(plan(result)).toEqual([['ORLEANS', { A: 1 }]]);
    expect(result.explanation.excluded).toMatchObject([
      { locationId: 'MONTREUIL', rule: 'not-the-chosen-store' },
    ]);
  });

  it('not-the-chosen-store: an e-reservation too', () => {
    const other = location('MONTREUIL', montreuil, { type: 'store', capabilities: ['e_reservation'] });
    const store = location('ORLEANS', orleans, { type: 'store', capabilities: ['e_reservation'] });
    const result = sourceOptimal(
      request([one('A')], [other, store], stock, {
        mode: 'e_reservation',
        storeId: 'ORLEANS',
        destination: paris,
      }),
    );
    expect(plan(result)).toEqual([['ORLEANS', { A: 1 }]]);
  });

  it('capability: a location that cannot ship does not serve a home delivery', () => {
    const shop = location('MONTREUIL', montreuil, { type: 'store', capabilities: ['click_collect'] });
    const result = sourceOptimal(request([one('A')], [shop, mid], stock));
    expect(plan(result)).toEqual([['ORLEANS', { A: 1 }]]);
    expect(result.explanation.excluded).toEqual([
      { locationId: 'MONTREUIL', rule: 'capability', detail: 'cannot ship' },
    ]);
  });

  it('downtime: a location inside a downtime window is excluded, and serves again once it ends', () => {
    const window = { from: '2025-03-03T08:00:00.000Z', to: '2025-03-03T10:00:00.000Z' };
    const down = location('MONTREUIL', montreuil, { downtime: [window] });
    const during = sourceOptimal(
      request([one('A')], [down, mid], stock, { at: new Date('2025-03-03T09:59:59Z') }),
    );
    expect(plan(during)).toEqual([['ORLEANS', { A: 1 }]]);
    expect(during.explanation.excluded).toMatchObject([{ locationId: 'MONTREUIL', rule: 'downtime' }]);
    const after = sourceOptimal(request([one('A')], [down, mid], stock, { at: new Date(window.to) }));
    expect(plan(after)).toEqual([['MONTREUIL', { A: 1 }]]);
  });

  it('max-distance: a far location is excluded even when it alone could ship the whole order', () => {
    const locations = [
      location('MONTREUIL', montreuil),
      location('VINCENNES', vincennes),
      location('LYON', lyon),
    ];
    const split = { MONTREUIL: { A: 1 }, VINCENNES: { B: 1 }, LYON: { A: 1, B: 1 } };
    const lines = [one('A'), one('B')];
    expect(plan(sourceOptimal(request(lines, locations, split)))).toEqual([['LYON', { A: 1, B: 1 }]]);
    const result = sourceOptimal(request(lines, locations, split), { ...defaultProfile, maxDistanceKm: 200 });
    expect(plan(result)).toEqual([
      ['MONTREUIL', { A: 1 }],
      ['VINCENNES', { B: 1 }],
    ]);
    expect(result.explanation.excluded).toMatchObject([{ locationId: 'LYON', rule: 'max-distance' }]);
    expect(result.explanation.excluded[0]?.detail).toMatch(/^39\d\.\d km > 200 km$/);
  });

  it('capacity: a location with no shipment left today is excluded', () => {
    const result = sourceOptimal(
      request([one('A')], [near, mid], stock, {
        capacityLeft: new Map([
          ['MONTREUIL', 0],
          ['ORLEANS', 1],
        ]),
      }),
    );
    expect(plan(result)).toEqual([['ORLEANS', { A: 1 }]]);
    expect(result.explanation.excluded).toMatchObject([{ locationId: 'MONTREUIL', rule: 'capacity' }]);
  });

  it('capacity: a full location with a slot on a later day ships then, at a late-day cost, and says so', () => {
    const full = new Map([
      ['MONTREUIL', 0],
      ['ORLEANS', 0],
    ]);
    const later = new Map([['MONTREUIL', { day: '2025-03-05', daysLate: 1 }]]);
    const result = sourceOptimal(
      request([one('A')], [near, mid], stock, { capacityLeft: full, laterCapacity: later }),
    );
    // ORLEANS has no slot in the days read: out; MONTREUIL leaves a day late instead of nothing
    expect(plan(result)).toEqual([['MONTREUIL', { A: 1 }]]);
    expect(result.explanation.excluded).toMatchObject([{ locationId: 'ORLEANS', rule: 'capacity' }]);
    if (!result.ok) return;
    expect(result.shipments[0]?.capacityDay).toBe('2025-03-05');
    expect(result.explanation.costTerms.lateDays).toBe(defaultProfile.costs.lateDayPenalty);
    expect(result.explanation.laterDays).toEqual([
      {
        locationId: 'MONTREUIL',
        day: '2025-03-05',
        daysLate: 1,
        reason:
          'its preparation slots for today are taken: it ships on 2025-03-05, 1 carrier day(s) later, and the promise moves with it',
      },
    ]);
    // a location with a slot today is preferred while the late-day cost outweighs its distance
    const oneLeft = sourceOptimal(
      request([one('A')], [near, mid], stock, {
        capacityLeft: new Map([
          ['MONTREUIL', 0],
          ['ORLEANS', 1],
        ]),
        laterCapacity: later,
      }),
      { ...defaultProfile, costs: { ...defaultProfile.costs, lateDayPenalty: 50 } },
    );
    expect(plan(oneLeft)).toEqual([['ORLEANS', { A: 1 }]]);
    expect(oneLeft.ok && oneLeft.explanation.laterDays).toBeUndefined();
  });

  it('capacity: a location whose daily capacity is zero is excluded when no remaining figure is given', () => {
    const closed = location('MONTREUIL', montreuil, { dailyCapacity: 0 });
    const result = sourceOptimal(request([one('A')], [closed, mid], stock));
    expect(plan(result)).toEqual([['ORLEANS', { A: 1 }]]);
    expect(result.explanation.excluded).toMatchObject([{ locationId: 'MONTREUIL', rule: 'capacity' }]);
  });

  it('stock: a location with no available unit (after safety stock and buffers) is excluded', () => {
    const result = sourceOptimal(
      request([one('A')], [near, mid], { MONTREUIL: { A: -2, B: 9 }, ORLEANS: { A: 5 } }),
    );
    expect(plan(result)).toEqual([['ORLEANS', { A: 1 }]]);
    expect(result.explanation.excluded).toEqual([
      { locationId: 'MONTREUIL', rule: 'stock', detail: 'no available unit of any ordered SKU' },
    ]);
  });

  it('stock: with splits off, a location that cannot fill any line whole is excluded, and a line is never split by quantity', () => {
    const result = sourceOptimal(
      request([one('A', 3)], [near, mid, location('LYON', lyon)], {
        MONTREUIL: { A: 2 },
        ORLEANS: { A: 1 },
        LYON: { A: 3 },
      }),
      { ...defaultProfile, splitLines: false },
    );
    expect(plan(result)).toEqual([['LYON', { A: 3 }]]);
    expect(result.explanation.excluded).toEqual([
      { locationId: 'MONTREUIL', rule: 'stock', detail: 'not enough units to fill any line whole' },
      { locationId: 'ORLEANS', rule: 'stock', detail: 'not enough units to fill any line whole' },
    ]);
    expect(result.ok && result.explanation.splits).toBeUndefined();
  });

  it('stock: with splits on (the default), a line takes units from two locations when no one holds them all', () => {
    const locations = [near, mid, location('LYON', lyon)];
    const stock = { MONTREUIL: { A: 5 }, ORLEANS: { A: 5 }, LYON: { A: 2 } };
    const result = sourceOptimal(request([one('A', 8)], locations, stock));
    // the nearest takes all it holds, the next nearest the rest; LYON is farther
    expect(plan(result)).toEqual([
      ['MONTREUIL', { A: 5 }],
      ['ORLEANS', { A: 3 }],
    ]);
    if (!result.ok) return;
    expect(result.explanation.excluded).toEqual([]);
    expect(result.explanation.assignment).toEqual([
      {
        orderSku: 'A',
        locationId: 'MONTREUIL',
        parts: [
          { locationId: 'MONTREUIL', quantity: 5 },
          { locationId: 'ORLEANS', quantity: 3 },
        ],
      },
    ]);
    expect(result.explanation.splits).toEqual([
      {
        orderSku: 'A',
        quantity: 8,
        parts: [
          { locationId: 'MONTREUIL', quantity: 5 },
          { locationId: 'ORLEANS', quantity: 3 },
        ],
        reason: 'no eligible location holds all 8 units of A (the most at one is 5, at MONTREUIL)',
      },
    ]);
    // the second parcel pays its split penalty, its handling and its own carrier price
    expect(result.explanation.costTerms.splitPenalty).toBe(defaultProfile.costs.splitPenalty);
    expect(result.shipments.every((s) => s.carrier !== undefined)).toBe(true);
    // more than the network holds is still no plan, saying how many units there are
    const short = sourceOptimal(request([one('A', 13)], locations, stock));
    expect(short.ok).toBe(false);
    if (short.ok) return;
    expect(short.reason).toBe('the eligible locations hold 12 of the 13 units of A');
    expect(short.explanation.unfilled).toEqual([{ sku: 'A', quantity: 13 }]);
  });

  it('a split that only saves money is explained by what it saves against the best unsplit plan', () => {
    // 1 € for a parcel up to 2 kg, 9 € above: two lamps of 1.5 kg cost less in two parcels
    const carriers = [flatCarrier('light', 1, { maxWeightKg: 2 }), flatCarrier('heavy', 9)];
    const locations = [near, location('VINCENNES', vincennes)];
    const stock = { MONTREUIL: { A: 2 }, VINCENNES: { A: 2 } };
    const split = sourceOptimal(request([one('A', 2)], locations, stock, { carriers }), distanceOnly);
    expect(plan(split)).toEqual([
      ['MONTREUIL', { A: 1 }],
      ['VINCENNES', { A: 1 }],
    ]);
    expect(split.ok && split.explanation.splits?.[0]?.reason).toBe(
      'splitting saves 7.00 EUR against the best plan that ships every line whole (9.00 EUR)',
    );
    // the same order at a profile that forbids splits pays the heavy parcel
    const whole = sourceOptimal(request([one('A', 2)], locations, stock, { carriers }), {
      ...distanceOnly,
      splitLines: false,
    });
    expect(plan(whole)).toEqual([['MONTREUIL', { A: 2 }]]);
    expect(whole.ok && whole.cost).toBe(9);
  });

  it('special-handling: a hazmat line ships only from a hazmat location, the other lines may stay near', () => {
    const locations = [
      location('MONTREUIL', montreuil),
      location('ORLEANS', orleans, { handling: ['cold'] }),
      location('LYON', lyon, { handling: ['hazmat', 'oversize'] }),
    ];
    const result = sourceOptimal(
      request([one('A'), one('H')], locations, {
        MONTREUIL: { A: 9, H: 9 },
        ORLEANS: { H: 9 },
        LYON: { H: 1 },
      }),
    );
    expect(plan(result)).toEqual([
      ['MONTREUIL', { A: 1 }],
      ['LYON', { H: 1 }],
    ]);
    expect(result.explanation.excluded).toEqual([
      { locationId: 'MONTREUIL', rule: 'special-handling', sku: 'H', detail: 'needs hazmat' },
      // ORLEANS can ship neither line: A for want of stock, H for want of hazmat handling.
      { locationId: 'ORLEANS', rule: 'stock', detail: 'not enough units to fill any line whole' },
      { locationId: 'ORLEANS', rule: 'special-handling', sku: 'H', detail: 'needs hazmat' },
    ]);
  });

  it('special-handling: a kit with a hazmat component ships whole from a hazmat location', () => {
    const locations = [location('MONTREUIL', montreuil), location('LYON', lyon, { handling: ['hazmat'] })];
    const result = sourceOptimal(
      request([one('STOVE')], locations, { MONTREUIL: { A: 9, H: 9 }, LYON: { A: 1, H: 1 } }),
    );
    expect(plan(result)).toEqual([['LYON', { A: 1, H: 1 }]]);
    expect(result.explanation.assignment).toEqual([{ orderSku: 'STOVE', locationId: 'LYON' }]);
  });

  it('special-handling: no location able to handle the product leaves the line unfilled', () => {
    const result = sourceOptimal(request([one('H')], [near], { MONTREUIL: { H: 9 } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('H');
    expect(result.explanation.unfilled).toEqual([{ sku: 'H', quantity: 1 }]);
  });
});

describe('sourceOptimal: kits never split', () => {
  const locations = [
    location('MONTREUIL', montreuil),
    location('VINCENNES', vincennes),
    location('LYON', lyon),
  ];

  it('ships a kit from one location even when its components would be cheaper from two', () => {
    const stock = { MONTREUIL: { X: 9 }, VINCENNES: { Y: 9 }, LYON: { X: 1, Y: 2 } };
    // Two plain lines of the same units do split, at this profile: the kit is what holds them together.
    expect(plan(sourceOptimal(zonePriced([one('X'), one('Y', 2)], locations, stock), distanceOnly))).toEqual([
      ['MONTREUIL', { X: 1 }],
      ['VINCENNES', { Y: 2 }],
    ]);
    expect(plan(sourceOptimal(zonePriced([one('BIKE')], locations, stock), distanceOnly))).toEqual([
      ['LYON', { X: 1, Y: 2 }],
    ]);
  });

  it('fails a kit that only two locations together could fill, naming it', () => {
    const result = sourceOptimal(
      request([one('BIKE')], locations, { MONTREUIL: { X: 9 }, VINCENNES: { Y: 9 } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('BIKE');
    expect(result.explanation.unfilled).toEqual([
      { sku: 'X', quantity: 1 },
      { sku: 'Y', quantity: 2 },
    ]);
  });

  it('counts a component a plain line also asks for once per unit at a location', () => {
    // MONTREUIL holds one X: the kit and the plain X line cannot both take it.
    const result = sourceOptimal(
      request([one('BIKE'), one('X')], locations, { MONTREUIL: { X: 1, Y: 2 }, LYON: { X: 5 } }),
    );
    expect(plan(result)).toEqual([
      ['MONTREUIL', { X: 1, Y: 2 }],
      ['LYON', { X: 1 }],
    ]);
  });
});

describe('sourceOptimal: maximum shipments per order', () => {
  const locations = [
    location('L1', montreuil),
    location('L2', vincennes),
    location('L3', { lat: 48.8, lon: 2.3 }),
    location('FAR', lyon),
  ];
  const stock = { L1: { A: 1 }, L2: { B: 1 }, L3: { C: 1 }, FAR: { A: 1, B: 1 } };
  const lines = [one('A'), one('B'), one('C')];
  const capped = (maxShipments: number): SourcingProfile => ({ ...distanceOnly, maxShipments });

  it('never plans more shipments than the profile allows, even when more would be cheaper', () => {
    expect(plan(sourceOptimal(zonePriced(lines, locations, stock), capped(3)))).toEqual([
      ['L1', { A: 1 }],
      ['L2', { B: 1 }],
      ['L3', { C: 1 }],
    ]);
    expect(plan(sourceOptimal(zonePriced(lines, locations, stock), capped(2)))).toEqual([
      ['FAR', { A: 1, B: 1 }],
      ['L3', { C: 1 }],
    ]);
  });

  it('answers no plan, saying why, when the order cannot be shipped within the maximum', () => {
    const result = sourceOptimal(zonePriced(lines, locations, stock), capped(1));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('no plan within 1 shipments (profile distance-only v1); the order needs 2');
    expect(result.explanation.unfilled).toEqual([one('A'), one('B'), one('C')]);
  });

  it('answers no plan when two lines of one SKU need more units than any set of locations can give', () => {
    const result = sourceOptimal(
      request([one('A', 3), one('A', 3)], locations.slice(0, 1), { L1: { A: 5 } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe('no set of eligible locations holds enough stock for every line at once');
  });
});

describe('sourceOptimal: the cost decides, not the distance', () => {
  it('a farther site that ships everything in one parcel beats the two nearest that each have part', () => {
    const locations = [
      location('MONTREUIL', montreuil),
      location('VINCENNES', vincennes),
      location('ORLEANS', orleans),
    ];
    const stock = { MONTREUIL: { A: 1 }, VINCENNES: { B: 1 }, ORLEANS: { A: 1, B: 1 } };
    const result = sourceOptimal(request([one('A'), one('B')], locations, stock));
    // Choosing among the two nearest candidates only would have shipped two parcels.
    expect(plan(result)).toEqual([['ORLEANS', { A: 1, B: 1 }]]);
    expect(result.explanation.nextBest).toMatchObject({
      shipments: 2,
      locationIds: ['MONTREUIL', 'VINCENNES'],
    });
    expect(result.explanation.nextBest?.gap).toBeGreaterThan(3);
    // And when a local parcel costs a fifth of a regional one and nothing else counts, the two near
    // ones win: the carriers and the profile decide.
    expect(plan(sourceOptimal(zonePriced([one('A'), one('B')], locations, stock), distanceOnly))).toEqual([
      ['MONTREUIL', { A: 1 }],
      ['VINCENNES', { B: 1 }],
    ]);
  });
});

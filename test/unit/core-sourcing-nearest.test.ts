import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GeoPoint, Location, Product } from '../../functions/core/network.ts';
import { groupOrderLines } from '../../functions/core/orders/lines.ts';
import type { DeliveryMode, OrderLine } from '../../functions/core/orders/types.ts';
import { sourceNearest } from '../../functions/core/sourcing/nearest.ts';
import type { SourcingRequest, SourcingResult } from '../../functions/core/sourcing/types.ts';

const paris: GeoPoint = { lat: 48.8566, lon: 2.3522 };
const at = new Date('2025-03-03T10:00:00.000Z');

function location(locationId: string, point: GeoPoint, extra: Partial<Location> = {}): Location {
  return { locationId, name: locationId, type: 'warehouse', ...point, capabilities: ['ship'], ...extra };
}

// Real places, nearest first from Paris.
const montreuil = { lat: 48.8638, lon: 2.4485 }; // ~7 km
const orleans = { lat: 47.9029, lon: 1.9093 }; // ~110 km
const lyon = { lat: 45.764, lon: 4.8357 }; // ~390 km

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
];
const products: ReadonlyMap<string, Product> = new Map(catalogue.map((p) => [p.sku, p]));

type Stock = Record<string, Record<string, number>>;

function request(
  lines: OrderLine[],
  locations: Location[],
  stock: Stock,
  extra: Partial<SourcingRequest> = {},
): SourcingRequest {
  return {
    groups: groupOrderLines(lines, products),
    mode: 'home',
    destination: paris,
    locations,
    products,
    available: new Map(Object.entries(stock).map(([id, skus]) => [id, new Map(Object.entries(skus))])),
    excluded: new Set(),
    at,
    ...extra,
  };
}

function plan(result: SourcingResult): [string, Record<string, number>][] {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result.shipments.map((s) => [
    s.locationId,
    Object.fromEntries(s.lines.map((l) => [l.sku, l.quantity])),
  ]);
}

describe('sourceNearest: one location or a split', () => {
  it('prefers one location that has everything to a nearer one that has part', () => {
    const result = sourceNearest(
      request(
        [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 2 },
        ],
        [location('NEAR', montreuil), location('FAR', lyon)],
        { NEAR: { A: 5 }, FAR: { A: 1, B: 2 } },
      ),
    );
    expect(plan(result)).toEqual([['FAR', { A: 1, B: 2 }]]);
    expect(result.explanation.strategy).toBe('nearest-single-location');
  });

  it('among locations that have everything, takes the nearest', () => {
    const result = sourceNearest(
      request([{ sku: 'A', quantity: 1 }], [location('FAR', lyon), location('MID', orleans)], {
        FAR: { A: 9 },
        MID: { A: 9 },
      }),
    );
    expect(plan(result)).toEqual([['MID', { A: 1 }]]);
  });

  it('otherwise splits greedily, nearest location first', () => {
    const result = sourceNearest(
      request(
        [
          { sku: 'A', quantity: 2 },
          { sku: 'B', quantity: 1 },
          { sku: 'C', quantity: 3 },
        ],
        [location('FAR', lyon), location('NEAR', montreuil), location('MID', orleans)],
        { NEAR: { A: 2, C: 3 }, MID: { A: 5, B: 1 }, FAR: { A: 9, B: 9, C: 2 } },
      ),
    );
    expect(plan(result)).toEqual([
      ['NEAR', { A: 2, C: 3 }],
      ['MID', { B: 1 }],
    ]);
    expect(result.explanation.strategy).toBe('nearest-greedy-split');
    expect(result.explanation.chosen.map((c) => c.locationId)).toEqual(['NEAR', 'MID']);
    if (result.ok)
      expect(result.cost).toBeCloseTo(
        result.shipments.reduce((s, p) => s + p.cost, 0),
        2,
      );
  });

  it('reports each shipment with its distance and weight', () => {
    const result = sourceNearest(
      request([{ sku: 'A', quantity: 2 }], [location('MID', orleans)], { MID: { A: 2 } }),
    );
    if (!result.ok) throw new Error(result.reason);
    const [shipment] = result.shipments;
    expect(shipment?.distanceKm).toBeGreaterThan(100);
    expect(shipment?.distanceKm).toBeLessThan(125);
    expect(shipment?.weightKg).toBe(3);
    expect(shipment?.cost).toBeGreaterThan(0);
  });
});

describe('sourceNearest: eligibility rules', () => {
  it('excludes a location that already failed the order, one that cannot ship and one in downtime, with the rule', () => {
    const locations = [
      location('FAILED', montreuil),
      location('STORE', montreuil, { type: 'store', capabilities: ['click_collect'] }),
      location('CLOSED', montreuil, {
        downtime: [{ from: '2025-03-03T00:00:00.000Z', to: '2025-03-04T00:00:00.000Z' }],
      }),
      location('OPEN', lyon, {
        downtime: [{ from: '2025-03-01T00:00:00.000Z', to: '2025-03-03T10:00:00.000Z' }],
      }),
    ];
    const stock = { FAILED: { A: 9 }, STORE: { A: 9 }, CLOSED: { A: 9 }, OPEN: { A: 9 } };
    const result = sourceNearest(
      request([{ sku: 'A', quantity: 1 }], locations, stock, { excluded: new Set(['FAILED']) }),
    );
    expect(plan(result)).toEqual([['OPEN', { A: 1 }]]);
    expect(result.explanation.excluded.map(({ locationId, rule }) => ({ locationId, rule }))).toEqual([
      { locationId: 'FAILED', rule: 'previously-failed' },
      { locationId: 'STORE', rule: 'capability' },
      { locationId: 'CLOSED', rule: 'downtime' },
    ]);
    expect(result.explanation.candidates).toBe(1);
  });

  it('serves click & collect from the chosen store only', () => {
    const locations = [
      location('WH', montreuil),
      location('OTHER-STORE', montreuil, { type: 'store', capabilities: ['click_collect'] }),
      location('MY-STORE', orleans, { type: 'store', capabilities: ['ship', 'click_collect'] }),
    ];
    const stock = { WH: { A: 9 }, 'OTHER-STORE': { A: 9 }, 'MY-STORE': { A: 1 } };
    const result = sourceNearest(
      request([{ sku: 'A', quantity: 1 }], locations, stock, { mode: 'click_collect', storeId: 'MY-STORE' }),
    );
    expect(plan(result)).toEqual([['MY-STORE', { A: 1 }]]);
    expect(result.explanation.excluded).toEqual([
      { locationId: 'WH', rule: 'not-the-chosen-store' },
      { locationId: 'OTHER-STORE', rule: 'not-the-chosen-store' },
    ]);
  });

  it('refuses click & collect at a chosen store that lacks the capability', () => {
    const mode: DeliveryMode = 'click_collect';
    const result = sourceNearest(
      request(
        [{ sku: 'A', quantity: 1 }],
        [location('SHOP', montreuil, { type: 'store' })],
        { SHOP: { A: 5 } },
        {
          mode,
          storeId: 'SHOP',
        },
      ),
    );
    expect(result.ok).toBe(false);
    expect(result.explanation.excluded).toMatchObject([{ locationId: 'SHOP', rule: 'capability' }]);
  });

  it('ships hazmat products only from locations that handle hazmat', () => {
    const locations = [
      location('NEAR', montreuil),
      location('COLD', orleans, { handling: ['cold'] }),
      location('HAZ', lyon, { handling: ['hazmat', 'oversize'] }),
    ];
    const stock = { NEAR: { H: 9, A: 9 }, COLD: { H: 9 }, HAZ: { H: 1 } };
    const result = sourceNearest(
      request(
        [
          { sku: 'A', quantity: 1 },
          { sku: 'H', quantity: 1 },
        ],
        locations,
        stock,
      ),
    );
    expect(plan(result)).toEqual([
      ['NEAR', { A: 1 }],
      ['HAZ', { H: 1 }],
    ]);
  });

  it('fails a hazmat line when no location with stock handles hazmat', () => {
    const result = sourceNearest(
      request([{ sku: 'H', quantity: 1 }], [location('NEAR', montreuil)], { NEAR: { H: 9 } }),
    );
    expect(result.ok).toBe(false);
    expect(result.explanation.unfilled).toEqual([{ sku: 'H', quantity: 1 }]);
  });
});

describe('sourceNearest: kits', () => {
  it('ships a kit from one location, never split across two', () => {
    const locations = [location('NEAR', montreuil), location('MID', orleans), location('FAR', lyon)];
    const stock = { NEAR: { X: 9 }, MID: { Y: 9 }, FAR: { X: 2, Y: 4 } };
    const result = sourceNearest(request([{ sku: 'BIKE', quantity: 2 }], locations, stock));
    expect(plan(result)).toEqual([['FAR', { X: 2, Y: 4 }]]);
  });

  it('fails a kit that only two locations together could fill, naming the kit', () => {
    const locations = [location('NEAR', montreuil), location('MID', orleans)];
    const result = sourceNearest(
      request([{ sku: 'BIKE', quantity: 1 }], locations, { NEAR: { X: 9 }, MID: { Y: 9 } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('BIKE');
    expect(result.explanation.unfilled).toEqual([
      { sku: 'X', quantity: 1 },
      { sku: 'Y', quantity: 2 },
    ]);
  });

  it('splits other lines around a kit, but keeps the kit whole', () => {
    const locations = [location('NEAR', montreuil), location('FAR', lyon)];
    const stock = { NEAR: { A: 1, X: 1 }, FAR: { X: 1, Y: 2 } };
    const result = sourceNearest(
      request(
        [
          { sku: 'A', quantity: 1 },
          { sku: 'BIKE', quantity: 1 },
        ],
        locations,
        stock,
      ),
    );
    expect(plan(result)).toEqual([
      ['NEAR', { A: 1 }],
      ['FAR', { X: 1, Y: 2 }],
    ]);
  });
});

describe('sourceNearest: unfilled lines', () => {
  it('answers ok: false, naming the SKU, with the unfilled quantities in the explanation', () => {
    const result = sourceNearest(
      request(
        [
          { sku: 'A', quantity: 1 },
          { sku: 'C', quantity: 7 },
        ],
        [location('NEAR', montreuil), location('FAR', lyon)],
        { NEAR: { A: 1, C: 3 }, FAR: { C: 3 } },
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain('C');
    expect(result.reason).not.toMatch(/\bA\b/);
    expect(result.explanation.unfilled).toEqual([{ sku: 'C', quantity: 7 }]);
  });

  it('answers ok: false when no location is eligible at all', () => {
    const result = sourceNearest(
      request(
        [{ sku: 'A', quantity: 1 }],
        [location('NEAR', montreuil)],
        { NEAR: { A: 1 } },
        {
          excluded: new Set(['NEAR']),
        },
      ),
    );
    expect(result.ok).toBe(false);
    expect(result.explanation.candidates).toBe(0);
    expect(result.explanation.unfilled).toEqual([{ sku: 'A', quantity: 1 }]);
  });
});

describe('sourceNearest: deterministic tie-break', () => {
  const lines = [{ sku: 'A', quantity: 1 }];
  const stock = { 'L-A': { A: 1 }, 'L-B': { A: 1 }, 'L-C': { A: 1 } };

  it('at the same distance, the better priority wins, whatever the input order', () => {
    const a = location('L-A', orleans, { priority: 7 });
    const b = location('L-B', orleans, { priority: 2 });
    const c = location('L-C', orleans);
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, c, a],
    ])
      expect(plan(sourceNearest(request(lines, order, stock)))).toEqual([['L-B', { A: 1 }]]);
  });

  it('at the same distance and priority, the smaller id wins', () => {
    const a = location('L-A', orleans, { priority: 3 });
    const b = location('L-B', orleans, { priority: 3 });
    expect(plan(sourceNearest(request(lines, [b, a], stock)))).toEqual([['L-A', { A: 1 }]]);
    expect(plan(sourceNearest(request(lines, [a, b], stock)))).toEqual([['L-A', { A: 1 }]]);
  });

  it('a nearer location beats a better priority', () => {
    const near = location('L-C', montreuil, { priority: 9 });
    const far = location('L-A', lyon, { priority: 1 });
    expect(plan(sourceNearest(request(lines, [far, near], stock)))).toEqual([['L-C', { A: 1 }]]);
  });
});

describe('sourceNearest: the same SKU asked twice', () => {
  // POST /orders does not forbid two lines with the same SKU, and a kit may share a component with a
  // plain line: the location must hold the sum, not each line on its own.
  it('does not plan more units at one location than it has when two lines share a SKU', () => {
    const result = sourceNearest(
      request(
        [
          { sku: 'A', quantity: 3 },
          { sku: 'A', quantity: 3 },
        ],
        [location('NEAR', montreuil), location('FAR', lyon)],
        { NEAR: { A: 4 }, FAR: { A: 4 } },
      ),
    );
    expect(plan(result)).toEqual([
      ['NEAR', { A: 3 }],
      ['FAR', { A: 3 }],
    ]);
  });

  it('does not plan more units than available when a kit shares a component with a plain line', () => {
    const result = sourceNearest(
      request(
        [
          { sku: 'BIKE', quantity: 1 },
          { sku: 'X', quantity: 1 },
        ],
        [location('NEAR', montreuil), location('FAR', lyon)],
        { NEAR: { X: 1, Y: 2 }, FAR: { X: 5 } },
      ),
    );
    expect(plan(result)).toEqual([
      ['NEAR', { X: 1, Y: 2 }],
      ['FAR', { X: 1 }],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const skuPool = ['A', 'B', 'C', 'H', 'X', 'Y'] as const;
const orderable = [...skuPool, 'BIKE'] as const;
const places = [montreuil, orleans, lyon, paris, { lat: 43.6047, lon: 1.4442 }];

const networkArb = fc
  .uniqueArray(
    fc.record({
      locationId: fc.constantFrom('L1', 'L2', 'L3', 'L4', 'L5'),
      place: fc.constantFrom(...places),
      priority: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
      hazmat: fc.boolean(),
      stock: fc.record(
        Object.fromEntries(skuPool.map((sku) => [sku, fc.integer({ min: 0, max: 6 })])) as Record<
          (typeof skuPool)[number],
          fc.Arbitrary<number>
        >,
      ),
    }),
    { minLength: 1, maxLength: 5, selector: (l) => l.locationId },
  )
  .map((entries) => ({
    locations: entries.map((e) =>
      location(e.locationId, e.place, { priority: e.priority, handling: e.hazmat ? ['hazmat'] : [] }),
    ),
    stock: Object.fromEntries(entries.map((e) => [e.locationId, e.stock])) as Stock,
  }));

function checkPlan(lines: OrderLine[], network: { locations: Location[]; stock: Stock }): void {
  const req = request(lines, network.locations, network.stock);
  const result = sourceNearest(req);
  if (!result.ok) {
    expect(result.explanation.unfilled?.length ?? 0).toBeGreaterThan(0);
    return;
  }
  const shipped = new Map<string, number>();
  for (const shipment of result.shipments) {
    const seen = new Set<string>();
    for (const line of shipment.lines) {
      expect(seen.has(line.sku), `${line.sku} twice in one shipment`).toBe(false);
      seen.add(line.sku);
      expect(line.quantity).toBeGreaterThan(0);
      const available = network.stock[shipment.locationId]?.[line.sku] ?? 0;
      expect(line.quantity, `${line.sku} at ${shipment.locationId}`).toBeLessThanOrEqual(available);
      shipped.set(line.sku, (shipped.get(line.sku) ?? 0) + line.quantity);
    }
  }
  const ordered = new Map<string, number>();
  for (const group of req.groups)
    for (const line of group.lines) ordered.set(line.sku, (ordered.get(line.sku) ?? 0) + line.quantity);
  expect(Object.fromEntries(shipped)).toEqual(Object.fromEntries(ordered));
  expect(new Set(result.shipments.map((s) => s.locationId)).size).toBe(result.shipments.length);
}

describe('sourceNearest: properties', () => {
  it('property: a plan for distinct SKUs stays within availability and ships exactly what was ordered', () => {
    fc.assert(
      fc.property(
        networkArb,
        fc.uniqueArray(
          fc.record({ sku: fc.constantFrom('A', 'B', 'C', 'H'), quantity: fc.integer({ min: 1, max: 6 }) }),
          { minLength: 1, maxLength: 4, selector: (l) => l.sku },
        ),
        (network, lines) => checkPlan(lines, network),
      ),
      { numRuns: 500 },
    );
  });

  it('property: the same holds for any order, with kits and repeated SKUs', () => {
    fc.assert(
      fc.property(
        networkArb,
        fc.array(
          fc.record({ sku: fc.constantFrom(...orderable), quantity: fc.integer({ min: 1, max: 4 }) }),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (network, lines) => checkPlan(lines, network),
      ),
      { numRuns: 500 },
    );
  });

  it('property: the answer does not depend on the order the locations are listed in', () => {
    fc.assert(
      fc.property(
        networkArb.chain((n) =>
          fc.tuple(fc.constant(n), fc.shuffledSubarray(n.locations, { minLength: n.locations.length })),
        ),
        fc.uniqueArray(
          fc.record({ sku: fc.constantFrom('A', 'B', 'C'), quantity: fc.integer({ min: 1, max: 6 }) }),
          {
            minLength: 1,
            maxLength: 3,
            selector: (l) => l.sku,
          },
        ),
        ([network, shuffled], lines) => {
          const a = sourceNearest(request(lines, network.locations, network.stock));
          const b = sourceNearest(request(lines, shuffled, network.stock));
          expect(a.ok).toBe(b.ok);
          if (a.ok && b.ok) expect(b.shipments).toEqual(a.shipments);
        },
      ),
      { numRuns: 300 },
    );
  });
});

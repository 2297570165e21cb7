import { describe, expect, it } from 'vitest';
import {
  coverDays,
  defaultCoverTargets,
  type ReplenishmentSite,
  staleness,
  suggestTransfers,
  surplusOf,
} from '../../functions/core/inventory/replenishment.ts';

const site = (
  locationId: string,
  available: number,
  dailyDemand: number,
  more: Partial<ReplenishmentSite> = {},
) => ({ locationId, available, inbound: 0, dailyDemand, ...more }) satisfies ReplenishmentSite;

const lowestCover = (
  sites: ReplenishmentSite[],
  moves: { fromLocationId: string; toLocationId: string; quantity: number }[],
) => {
  const after = sites.map((s) => ({ ...s }));
  for (const m of moves) {
    const from = after.find((s) => s.locationId === m.fromLocationId);
    const to = after.find((s) => s.locationId === m.toLocationId);
    if (!from || !to) throw new Error('unknown site');
    from.available -= m.quantity;
    to.inbound += m.quantity;
  }
  return Math.min(...after.map(coverDays));
};

describe('transfer suggestions', () => {
  it('moves units from surplus cover to the short site, filling it to the target cover', () => {
    // PARIS sells 10 a day with 20 units (2 days); LYON sells 1 a day with 200 (200 days)
    const sites = [site('PARIS', 20, 10), site('LYON', 200, 1)];
    const [only, ...rest] = suggestTransfers('MUG', sites);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      sku: 'MUG',
      fromLocationId: 'LYON',
      toLocationId: 'PARIS',
      quantity: 120, // 14 days × 10 − 20
      coverDaysBefore: 2,
      coverDaysAfter: 14,
      originCoverDaysBefore: 200,
      originCoverDaysAfter: 80,
    });
  });

  it('never takes an origin below its own target cover', () => {
    // LYON may give only what it holds beyond 14 days × 2 a day = 28 units
    const sites = [site('PARIS', 0, 10), site('LYON', 40, 2)];
    const [only] = suggestTransfers('MUG', sites);
    expect(only?.quantity).toBe(12);
    expect(only?.originCoverDaysAfter).toBe(14);
  });

  it('raises the lowest cover first when the surplus cannot fill every short site', () => {
    // 30 units to share; A has 0 days, B 5 days; both sell 5 a day
    const sites = [site('A', 0, 5), site('B', 25, 5), site('DEPOT', 30, 0)];
    const moves = suggestTransfers('MUG', sites);
    expect(moves.map((m) => [m.toLocationId, m.quantity])).toEqual([
      ['A', 28],
      ['B', 2],
    ]);
    // filling A alone first would leave B at 5 days; the best whole-unit split lifts both to 5.4
    expect(lowestCover(sites, moves)).toBeCloseTo(5.4, 5);
  });

  it('counts the supply already on its way: a site with enough inbound needs nothing', () => {
    expect(suggestTransfers('MUG', [site('PARIS', 0, 10, { inbound: 140 }), site('LYON', 500, 1)])).toEqual(
      [],
    );
    expect(
      suggestTransfers('MUG', [site('PARIS', 0, 10, { inbound: 50 }), site('LYON', 500, 1)])[0]?.quantity,
    ).toBe(90);
  });

  it('proposes nothing when no site is short, or when nobody has surplus', () => {
    expect(suggestTransfers('MUG', [site('PARIS', 80, 10), site('LYON', 500, 1)])).toEqual([]);
    expect(suggestTransfers('MUG', [site('PARIS', 0, 10), site('LYON', 10, 1)])).toEqual([]);
  });

  it('draws from the nearest origin first, then the next', () => {
    const paris = site('PARIS', 0, 10, { lat: 48.86, lon: 2.35 });
    const lille = site('LILLE', 60, 0, { lat: 50.63, lon: 3.06 });
    const marseille = site('MARSEILLE', 200, 0, { lat: 43.3, lon: 5.37 });
    const moves = suggestTransfers('MUG', [paris, marseille, lille]);
    expect(moves.map((m) => [m.fromLocationId, m.quantity])).toEqual([
      ['LILLE', 60],
      ['MARSEILLE', 80],
    ]);
  });

  it('gives the same id to the same facts and another once stock moved', () => {
    const sites = [site('PARIS', 20, 10), site('LYON', 100, 1)];
    const first = suggestTransfers('MUG', sites)[0];
    expect(suggestTransfers('MUG', sites)[0]?.suggestionId).toBe(first?.suggestionId);
    expect(first?.suggestionId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    const moved = suggestTransfers('MUG', [site('PARIS', 19, 10), site('LYON', 100, 1)])[0];
    expect(moved?.suggestionId).not.toBe(first?.suggestionId);
  });

  it('an origin keeps its safety stock: only available units leave', () => {
    expect(surplusOf(site('LYON', 10, 0, { inbound: 50 }), defaultCoverTargets)).toBe(10);
  });
});

describe('accepting a suggestion later', () => {
  const [suggested] = suggestTransfers('MUG', [site('PARIS', 20, 10), site('LYON', 200, 1)]);
  if (!suggested) throw new Error('expected a suggestion');

  it('holds while the origin can still give it and the destination still has room', () => {
    expect(
      staleness(suggested, { from: { available: 200, inbound: 0 }, to: { available: 20, inbound: 0 } }),
    ).toBeUndefined();
    // another transfer took part of the need: still room for exactly this one
    expect(
      staleness(suggested, { from: { available: 150, inbound: 0 }, to: { available: 10, inbound: 0 } }),
    ).toBeUndefined();
  });

  it('is stale once the origin sold what it was to give', () => {
    expect(
      staleness(suggested, { from: { available: 130, inbound: 0 }, to: { available: 20, inbound: 0 } }),
    ).toMatch(/LYON can now give 116 units/);
  });

  it('is stale once the destination was replenished otherwise', () => {
    expect(
      staleness(suggested, { from: { available: 200, inbound: 0 }, to: { available: 20, inbound: 100 } }),
    ).toMatch(/PARIS now needs 20 units/);
  });
});

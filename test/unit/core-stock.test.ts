import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyCount,
  isStaleCount,
  networkAts,
  publicStock,
  type StockRow,
} from '../../functions/core/inventory/stock.ts';

const row = (over: Partial<StockRow> = {}): StockRow => ({
  locationId: 'W1',
  sku: 'A',
  onHand: 10,
  reserved: 3,
  safetyStock: 2,
  available: 5,
  asOf: '2025-03-01T08:00:00.000Z',
  ...over,
});

describe('applyCount', () => {
  it('starts a new row with nothing reserved and no safety stock unless given', () => {
    expect(applyCount(undefined, { locationId: 'W1', sku: 'A', onHand: 7 })).toEqual({
      locationId: 'W1',
      sku: 'A',
      onHand: 7,
      reserved: 0,
      safetyStock: 0,
      available: 7,
      asOf: undefined,
    });
    expect(applyCount(undefined, { locationId: 'W1', sku: 'A', onHand: 7, safetyStock: 2 }).available).toBe(
      5,
    );
  });

  it('keeps the reserved units and recomputes available from the new count', () => {
    const next = applyCount(row(), { locationId: 'W1', sku: 'A', onHand: 20 });
    expect(next.reserved).toBe(3);
    expect(next.safetyStock).toBe(2);
    expect(next.onHand).toBe(20);
    expect(next.available).toBe(15);
  });

  it('takes a new safety stock when the count carries one', () => {
    const next = applyCount(row(), { locationId: 'W1', sku: 'A', onHand: 20, safetyStock: 6 });
    expect(next.safetyStock).toBe(6);
    expect(next.available).toBe(11);
  });

  it('lets available go below zero when the count is lower than the reservations', () => {
    const next = applyCount(row(), { locationId: 'W1', sku: 'A', onHand: 1 });
    expect(next.available).toBe(-4);
    expect(next.reserved).toBe(3);
  });

  it('keeps the previous asOf when the count has none, and takes the new one when it has', () => {
    expect(applyCount(row(), { locationId: 'W1', sku: 'A', onHand: 1 }).asOf).toBe(
      '2025-03-01T08:00:00.000Z',
    );
    expect(
      applyCount(row(), { locationId: 'W1', sku: 'A', onHand: 1, asOf: '2025-03-02T08:00:00.000Z' }).asOf,
    ).toBe('2025-03-02T08:00:00.000Z');
  });

  it('property: available is always onHand - reserved - safetyStock and reserved never changes', () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.nat(1000),
        fc.nat(100),
        fc.option(fc.nat(100), { nil: undefined }),
        (reserved, onHand, safetyStock, newSafety) => {
          const next = applyCount(row({ reserved, safetyStock }), {
            locationId: 'W1',
            sku: 'A',
            onHand,
            safetyStock: newSafety,
          });
          expect(next.reserved).toBe(reserved);
          expect(next.available).toBe(onHand - reserved - (newSafety ?? safetyStock));
        },
      ),
    );
  });
});

describe('publicStock', () => {
  it('never shows a negative available, and shows the rest as stored', () => {
    const stored = applyCount(row(), { locationId: 'W1', sku: 'A', onHand: 1 });
    expect(publicStock(stored)).toEqual({
      locationId: 'W1',
      sku: 'A',
      onHand: 1,
      reserved: 3,
      safetyStock: 2,
      available: 0,
    });
    expect(publicStock(row()).available).toBe(5);
  });
});

describe('isStaleCount', () => {
  it('is true only for a count dated before the one applied', () => {
    expect(isStaleCount(row(), '2025-02-28T23:59:59.000Z')).toBe(true);
    expect(isStaleCount(row(), '2025-03-01T08:00:00.000Z')).toBe(false);
    expect(isStaleCount(row(), '2025-03-01T08:00:00.001Z')).toBe(false);
  });

  it('compares instants, not strings (time zones)', () => {
    // 09:30+02:00 is 07:30Z, before the 08:00Z count
    expect(isStaleCount(row(), '2025-03-01T09:30:00+02:00')).toBe(true);
    // 07:30-01:00 is 08:30Z, after it
    expect(isStaleCount(row(), '2025-03-01T07:30:00-01:00')).toBe(false);
  });

  it('is false when either side has no date', () => {
    expect(isStaleCount(undefined, '2025-02-28T00:00:00.000Z')).toBe(false);
    expect(isStaleCount(row({ asOf: undefined }), '2025-02-28T00:00:00.000Z')).toBe(false);
    expect(isStaleCount(row(), undefined)).toBe(false);
  });
});

describe('networkAts', () => {
  it('sums what each location can sell, a negative location counting as zero', () => {
    expect(
      networkAts([
        row({ locationId: 'W1', available: 5 }),
        row({ locationId: 'W2', available: -4 }),
        row({ locationId: 'S1', available: 2 }),
      ]),
    ).toBe(7);
  });

  it('is zero for no location', () => {
    expect(networkAts([])).toBe(0);
  });
});

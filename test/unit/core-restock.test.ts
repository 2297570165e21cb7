import { describe, expect, it } from 'vitest';
import { coverOf } from '../../functions/core/inventory/cover.ts';
import { restockLocationFor, takesReturns } from '../../functions/core/returns/restock.ts';
import { gradeOf, refundOf } from '../../functions/core/returns/returns.ts';

describe('where a returned unit rejoins the stock', () => {
  it('goes where cover is lowest: a location with demand and nothing available first', () => {
    const candidates = [
      { locationId: 'LYON', available: 8, demand: 2 },
      { locationId: 'LILLE', available: 3, demand: 3 },
      { locationId: 'PARIS', available: 0, demand: 1 },
      { locationId: 'IDLE', available: 0, demand: 0 },
    ];
    expect(candidates.map(coverOf)).toEqual([4, 1, 0, Number.POSITIVE_INFINITY]);
    expect(restockLocationFor(candidates, 'LYON')).toBe('PARIS');
    expect(restockLocationFor(candidates.slice(0, 2), 'LYON')).toBe('LILLE');
  });

  it('without demand anywhere goes back where it shipped from, else to the emptiest', () => {
    const idle = [
      { locationId: 'A', available: 5, demand: 0 },
      { locationId: 'B', available: 2, demand: 0 },
    ];
    expect(restockLocationFor(idle, 'A')).toBe('A');
    expect(restockLocationFor(idle, undefined)).toBe('B');
    expect(restockLocationFor([], 'A')).toBeUndefined();
  });

  it('is offered by warehouses and stores, not suppliers, unless a location says otherwise', () => {
    expect(takesReturns({ type: 'warehouse' })).toBe(true);
    expect(takesReturns({ type: 'store' })).toBe(true);
    expect(takesReturns({ type: 'supplier' })).toBe(false);
    expect(takesReturns({ type: 'store', acceptsReturns: false })).toBe(false);
  });
});

describe('grades and refunds', () => {
  it('grades from the inspection first, then the reasons', () => {
    const lines = [{ sku: 'M', quantity: 1, reason: 'arrived damaged' }];
    expect(gradeOf({ lines })).toBe('C');
    expect(gradeOf({ lines, inspection: { grade: 'B', at: 'x' } })).toBe('B');
    expect(gradeOf({ lines: [{ sku: 'M', quantity: 1, reason: 'too big' }], inspection: { at: 'x' } })).toBe(
      'A',
    );
  });

  it('refunds per line at the order prices, to the cent', () => {
    const order = {
      lines: [
        { sku: 'M', quantity: 3, unitPrice: 9.99 },
        { sku: 'L', quantity: 1 },
      ],
    };
    expect(
      refundOf(order, [
        { sku: 'M', quantity: 3 },
        { sku: 'L', quantity: 1 },
      ]),
    ).toEqual({
      amount: 29.97,
      currency: 'EUR',
      lines: [
        { sku: 'M', quantity: 3, unitPrice: 9.99, amount: 29.97 },
        { sku: 'L', quantity: 1, unitPrice: 0, amount: 0 },
      ],
    });
  });
});

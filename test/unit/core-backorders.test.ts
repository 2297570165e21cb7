import { describe, expect, it } from 'vitest';
import {
  backorderGraceDays,
  backorderWaitSeconds,
  type ClaimableArrival,
  claimChanges,
  claimedOf,
  claimsFor,
  isOverdue,
  ordersToWake,
  pendingRelease,
  readyAtOf,
  releaseInstant,
  unclaimedSupply,
  withExpectedSupply,
} from '../../functions/core/inventory/backorders.ts';

const arrival = (
  supplyId: string,
  expectedAt: string,
  quantity: number,
  unclaimed = quantity,
  locationId = 'W1',
) =>
  ({
    supplyId,
    sku: 'A',
    locationId,
    quantity,
    unclaimed,
    expectedAt,
    kind: 'purchase_order',
  }) as ClaimableArrival;
const stock = (units: number, locationId = 'W1') => new Map([[locationId, new Map([['A', units]])]]);

describe('release dates', () => {
  it('a release date starts at midnight in Paris (UTC+1 in winter, UTC+2 in summer)', () => {
    expect(releaseInstant('2026-01-15').toISOString()).toBe('2026-01-14T23:00:00.000Z');
    expect(releaseInstant('2026-07-15').toISOString()).toBe('2026-07-14T22:00:00.000Z');
  });

  it('the pending release is the latest one still to come; a released product is on sale', () => {
    const at = new Date('2026-03-10T12:00:00Z');
    expect(pendingRelease(['2026-03-12', undefined, '2026-04-01', '2026-03-01'], at)).toBe('2026-04-01');
    expect(pendingRelease(['2026-03-10', undefined], at)).toBeUndefined();
    expect(pendingRelease([], at)).toBeUndefined();
  });
});

describe('claims on expected supply', () => {
  it('counts only what others have not claimed, and gives the order its own claims back', () => {
    const arrivals = [
      arrival('PO1', '2026-03-12T08:00:00.000Z', 10, 4),
      arrival('PO2', '2026-03-20T08:00:00.000Z', 5, 0),
    ];
    expect(unclaimedSupply(arrivals).get('W1')?.get('A')).toBe(4);
    expect(
      unclaimedSupply(arrivals, [
        { supplyId: 'PO2', sku: 'A', locationId: 'W1', quantity: 3, expectedAt: '' },
      ])
        .get('W1')
        ?.get('A'),
    ).toBe(7);
    expect(withExpectedSupply(stock(2), unclaimedSupply(arrivals)).get('W1')?.get('A')).toBe(6);
  });

  it('fills a line from stock first, then from the earliest supply with units left', () => {
    const arrivals = [
      arrival('PO-late', '2026-03-20T08:00:00.000Z', 10),
      arrival('PO-early', '2026-03-12T08:00:00.000Z', 3),
      arrival('PO-elsewhere', '2026-03-01T08:00:00.000Z', 50, 50, 'W2'),
    ];
    const plan = [{ locationId: 'W1', lines: [{ sku: 'A', quantity: 7 }] }];
    expect(claimsFor(plan, stock(2), arrivals)).toEqual([
      {
        supplyId: 'PO-early',
        sku: 'A',
        locationId: 'W1',
        quantity: 3,
        expectedAt: '2026-03-12T08:00:00.000Z',
      },
      {
        supplyId: 'PO-late',
        sku: 'A',
        locationId: 'W1',
        quantity: 2,
        expectedAt: '2026-03-20T08:00:00.000Z',
      },
    ]);
    expect(claimsFor(plan, stock(7), arrivals)).toEqual([]);
  });

  it('deciding again keeps the claims the order holds rather than taking a supply of the same date', () => {
    const at = '2026-03-12T08:00:00.000Z';
    const arrivals = [arrival('PO-a', at, 4), arrival('PO-b', at, 4, 2)];
    const own = [{ supplyId: 'PO-b', sku: 'A', locationId: 'W1', quantity: 2, expectedAt: at }];
    const plan = [{ locationId: 'W1', lines: [{ sku: 'A', quantity: 2 }] }];
    expect(claimsFor(plan, new Map(), arrivals, own).map((c) => [c.supplyId, c.quantity])).toEqual([
      ['PO-b', 2],
    ]);
  });

  it('refuses a plan that counts on more than is expected (sourcing planned with other numbers)', () => {
    const plan = [{ locationId: 'W1', lines: [{ sku: 'A', quantity: 5 }] }];
    expect(() => claimsFor(plan, new Map(), [arrival('PO1', '2026-03-12T08:00:00.000Z', 4)])).toThrow(
      /more A/,
    );
  });

  it('changes claims supply by supply: more, fewer, new, given back, unchanged left out', () => {
    const claim = (supplyId: string, quantity: number) => ({
      supplyId,
      sku: 'A',
      locationId: 'W1',
      quantity,
      expectedAt: 'x',
    });
    expect(
      claimChanges(
        [claim('P1', 3), claim('P2', 2), claim('P4', 1)],
        [claim('P1', 5), claim('P3', 1), claim('P4', 1)],
      ),
    ).toEqual([
      { claim: claim('P1', 5), delta: 2 },
      { claim: claim('P3', 1), delta: 1 },
      { claim: claim('P2', 0), delta: -2 },
    ]);
    expect(claimChanges([claim('P1', 3)], [])).toEqual([{ claim: claim('P1', 0), delta: -3 }]);
  });

  it('a record written before claims existed has none', () => {
    expect(claimedOf({ quantity: 5 })).toBe(0);
    expect(claimedOf({ quantity: 5, unclaimed: 1 })).toBe(4);
  });
});

describe('waiting', () => {
  const at = new Date('2026-03-10T12:00:00Z');
  const claims = [
    { supplyId: 'PO1', sku: 'A', locationId: 'W1', quantity: 1, expectedAt: '2026-03-12T08:00:00.000Z' },
  ];

  it('is ready when the last claimed unit arrives, or on the release date when that is later', () => {
    expect(readyAtOf(claims, undefined, at).toISOString()).toBe('2026-03-12T08:00:00.000Z');
    expect(readyAtOf(claims, '2026-03-20', at).toISOString()).toBe('2026-03-19T23:00:00.000Z');
    expect(readyAtOf([], undefined, at)).toEqual(at);
  });

  it('waits until the grace past the supply date, never less than a minute', () => {
    const readyAt = '2026-03-12T08:00:00.000Z';
    const grace = (Date.parse(readyAt) + backorderGraceDays * 86_400_000 - at.getTime()) / 1000;
    expect(backorderWaitSeconds({ readyAt }, at)).toBe(grace);
    const long = new Date(Date.parse(readyAt) + backorderGraceDays * 86_400_000 - 5_000);
    expect(backorderWaitSeconds({ readyAt }, long)).toBe(60);
  });

  it('stops waiting for supply overdue past the grace', () => {
    const readyAt = new Date('2026-03-12T08:00:00.000Z');
    expect(isOverdue(readyAt, new Date(readyAt.getTime() + backorderGraceDays * 86_400_000))).toBe(false);
    expect(isOverdue(readyAt, new Date(readyAt.getTime() + backorderGraceDays * 86_400_000 + 1))).toBe(true);
  });

  it('a receipt wakes its claimants, oldest first, then older orders of other supply its spare units fill', () => {
    const waiting = [
      { orderId: 'young-claimant', supplyId: 'PO1', quantity: 2, since: '2026-03-03' },
      { orderId: 'old-other', supplyId: 'PO2', quantity: 3, since: '2026-03-01' },
      { orderId: 'old-claimant', supplyId: 'PO1', quantity: 1, since: '2026-03-02' },
      { orderId: 'small-other', supplyId: 'PO2', quantity: 1, since: '2026-03-04' },
      { orderId: 'split', supplyId: 'PO1', quantity: 1, since: '2026-03-05' },
      { orderId: 'split', supplyId: 'PO3', quantity: 1, since: '2026-03-05' },
    ];
    expect(ordersToWake('PO1', 2, waiting)).toEqual([
      'old-claimant',
      'young-claimant',
      'split',
      'small-other',
    ]);
    expect(ordersToWake('PO1', 3, waiting)).toEqual(['old-claimant', 'young-claimant', 'split', 'old-other']);
    expect(ordersToWake('PO9', 0, waiting)).toEqual([]);
  });
});

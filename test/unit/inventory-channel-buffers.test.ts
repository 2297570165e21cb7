import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  availableForChannel,
  bufferUnits,
  type ChannelBuffers,
  channelAts,
  normalizeBuffers,
} from '../../functions/core/inventory/channels.ts';
import { skuInventory } from '../../functions/core/inventory/sku-inventory.ts';
import { applyCount, publicStock, type StockRow } from '../../functions/core/inventory/stock.ts';
import { channels } from '../../functions/core/orders/types.ts';
import { channelBuffersBody, stockCountBody } from '../../functions/shared/schemas.ts';

const row = (over: Partial<StockRow> = {}): StockRow => ({
  locationId: 'S1',
  sku: 'A',
  onHand: 10,
  reserved: 0,
  safetyStock: 0,
  available: 10,
  ...over,
});

describe('availableForChannel', () => {
  it('is the stored available when the channel has no buffer', () => {
    expect(availableForChannel(row(), 'web')).toBe(10);
    expect(availableForChannel(row({ channelBuffers: { marketplace: { units: 4 } } }), 'web')).toBe(10);
    expect(availableForChannel(row({ available: -3 }), 'web')).toBe(0);
  });

  it('holds back a number of units from one channel only', () => {
    const stocked = row({ channelBuffers: { marketplace: { units: 4 } } });
    expect(availableForChannel(stocked, 'marketplace')).toBe(6);
    expect(availableForChannel(stocked, 'store')).toBe(10);
  });

  it('holds back a share of on hand, rounded up to whole units', () => {
    // keep 20% of store stock away from the marketplace
    expect(bufferUnits(row({ channelBuffers: { marketplace: { share: 0.2 } } }), 'marketplace')).toBe(2);
    expect(
      bufferUnits(row({ onHand: 11, channelBuffers: { marketplace: { share: 0.2 } } }), 'marketplace'),
    ).toBe(3);
    // 0.07 × 100 is 7.000000000000001 in floating point: still 7 units, not 8
    expect(bufferUnits(row({ onHand: 100, channelBuffers: { web: { share: 0.07 } } }), 'web')).toBe(7);
    expect(bufferUnits(row({ onHand: 0, channelBuffers: { web: { share: 0.5 } } }), 'web')).toBe(0);
    expect(bufferUnits(row({ onHand: 7, channelBuffers: { web: { share: 1 } } }), 'web')).toBe(7);
  });

  it('takes the larger of units and share when both are set', () => {
    const both = (onHand: number) => row({ onHand, channelBuffers: { web: { units: 3, share: 0.25 } } });
    expect(bufferUnits(both(8), 'web')).toBe(3); // share gives 2
    expect(bufferUnits(both(20), 'web')).toBe(5); // share gives 5
  });

  it('counts the buffer on top of reservations and safety stock, never below zero', () => {
    const busy = row({
      onHand: 10,
      reserved: 4,
      safetyStock: 2,
      available: 4,
      channelBuffers: { web: { units: 3 } },
    });
    expect(availableForChannel(busy, 'web')).toBe(1);
    expect(availableForChannel({ ...busy, channelBuffers: { web: { units: 30 } } }, 'web')).toBe(0);
    expect(availableForChannel({ ...busy, available: -2 }, 'web')).toBe(0);
  });

  it('property: between zero and the available units, and never more when the buffer grows', () => {
    const buffer = fc.record(
      { units: fc.nat(2_000), share: fc.integer({ min: 0, max: 10_000 }).map((bp) => bp / 10_000) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.nat(1_000),
        fc.integer({ min: -500, max: 1_000 }),
        buffer,
        fc.constantFrom(...channels),
        fc.nat(50),
        (onHand, available, web, channel, more) => {
          const stocked = { onHand, available, channelBuffers: { web } };
          const free = availableForChannel(stocked, channel);
          expect(free).toBeGreaterThanOrEqual(0);
          expect(free).toBeLessThanOrEqual(Math.max(0, available));
          expect(Number.isInteger(free)).toBe(true);
          const larger = { ...stocked, channelBuffers: { web: { ...web, units: (web.units ?? 0) + more } } };
          expect(availableForChannel(larger, channel)).toBeLessThanOrEqual(free);
          if (channel !== 'web') expect(free).toBe(Math.max(0, available));
        },
      ),
    );
  });
});

describe('channelAts', () => {
  it('sums what the channel may sell at every location', () => {
    const rows = [
      row({ locationId: 'S1', onHand: 10, available: 10, channelBuffers: { marketplace: { share: 0.2 } } }),
      row({ locationId: 'W1', onHand: 5, available: 5 }),
      row({ locationId: 'S2', onHand: 3, available: 3, channelBuffers: { marketplace: { units: 9 } } }),
    ];
    expect(channelAts(rows, 'marketplace')).toBe(8 + 5 + 0);
    expect(channelAts(rows, 'web')).toBe(18);
  });
});

describe('buffers on the stock row', () => {
  const count = { locationId: 'S1', sku: 'A', onHand: 12 };

  it('a count with buffers replaces them, without keeps them, with {} clears them', () => {
    const buffered = applyCount(row(), { ...count, channelBuffers: { marketplace: { share: 0.2 } } });
    expect(buffered.channelBuffers).toEqual({ marketplace: { share: 0.2 } });
    expect(applyCount(buffered, count).channelBuffers).toEqual({ marketplace: { share: 0.2 } });
    const replaced = applyCount(buffered, { ...count, channelBuffers: { web: { units: 1 } } });
    expect(replaced.channelBuffers).toEqual({ web: { units: 1 } });
    expect('channelBuffers' in applyCount(buffered, { ...count, channelBuffers: {} })).toBe(false);
    // a channel given an empty buffer holds nothing back and is not kept
    expect(
      applyCount(row(), { ...count, channelBuffers: { web: {}, store: { units: 2 } } }).channelBuffers,
    ).toEqual({
      store: { units: 2 },
    });
  });

  it('buffers do not change the stored available (they differ by channel)', () => {
    const buffered = applyCount(row(), { ...count, channelBuffers: { web: { units: 5 } } });
    expect(buffered.available).toBe(12);
  });

  it('shows buffers only when some are set', () => {
    expect(publicStock(row())).not.toHaveProperty('channelBuffers');
    expect(publicStock(row({ channelBuffers: {} }))).not.toHaveProperty('channelBuffers');
    expect(publicStock(row({ channelBuffers: { web: { units: 1 } } })).channelBuffers).toEqual({
      web: { units: 1 },
    });
  });

  it('normalizeBuffers keeps undefined as "not given"', () => {
    expect(normalizeBuffers(undefined)).toBeUndefined();
    expect(normalizeBuffers({ web: { units: 0 } })).toEqual({ web: { units: 0 } });
  });
});

describe('skuInventory', () => {
  const rows = [
    row({ locationId: 'W1', onHand: 5, available: 5 }),
    row({ locationId: 'S1', onHand: 10, available: 10, channelBuffers: { marketplace: { share: 0.2 } } }),
  ];

  it('without a channel: network ATS, rows by location, no per-location ats', () => {
    const view = skuInventory('A', rows, []);
    expect(view).toEqual({
      sku: 'A',
      ats: 15,
      expected: [],
      locations: [
        {
          locationId: 'S1',
          onHand: 10,
          reserved: 0,
          safetyStock: 0,
          available: 10,
          channelBuffers: { marketplace: { share: 0.2 } },
        },
        { locationId: 'W1', onHand: 5, reserved: 0, safetyStock: 0, available: 5 },
      ],
    });
  });

  it('with a channel: that channel ATS, overall and per location', () => {
    const view = skuInventory('A', rows, [], 'marketplace');
    expect(view.channel).toBe('marketplace');
    expect(view.ats).toBe(8 + 5);
    expect(view.locations.map((l) => [l.ats, l.locationId])).toEqual([
      [8, 'S1'],
      [5, 'W1'],
    ]);
  });
});

describe('channel buffer schemas', () => {
  const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
    (result.error?.issues ?? []).map((i) => i.path.join('.'));

  it('accepts units, shares and both, shares kept to four decimals', () => {
    const parsed = channelBuffersBody.parse({
      web: { units: 2 },
      marketplace: { share: 0.123456, units: 1 },
    });
    expect(parsed).toEqual({ web: { units: 2 }, marketplace: { share: 0.1235, units: 1 } });
  });

  it('refuses an unknown channel, a share outside 0..1, negative or fractional units, unknown keys', () => {
    expect(channelBuffersBody.safeParse({ amazon: { units: 1 } }).success).toBe(false);
    expect(issues(channelBuffersBody.safeParse({ web: { share: 1.2 } }))).toEqual(['web.share']);
    expect(issues(channelBuffersBody.safeParse({ web: { share: -0.1 } }))).toEqual(['web.share']);
    expect(issues(channelBuffersBody.safeParse({ web: { units: -1 } }))).toEqual(['web.units']);
    expect(issues(channelBuffersBody.safeParse({ web: { units: 1.5 } }))).toEqual(['web.units']);
    expect(channelBuffersBody.safeParse({ web: { percent: 20 } }).success).toBe(false);
  });

  it('is optional on a count, and checked there too', () => {
    expect(stockCountBody.parse({ onHand: 3 })).toEqual({ onHand: 3 });
    const buffers: ChannelBuffers = { store: { units: 1 } };
    expect(stockCountBody.parse({ onHand: 3, channelBuffers: buffers }).channelBuffers).toEqual(buffers);
    expect(issues(stockCountBody.safeParse({ onHand: 3, channelBuffers: { web: { share: 2 } } }))).toEqual([
      'channelBuffers.web.share',
    ]);
  });
});

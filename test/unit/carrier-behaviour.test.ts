import { describe, expect, it } from 'vitest';
import {
  carrierJourney,
  defaultCarrierRates,
  MAX_DELIVERY_ATTEMPTS,
  transitDaysOf,
} from '../../local/demo/carrier-behaviour.ts';
import { mulberry32 } from '../../local/demo/random.ts';

const never = { failedAttemptRate: 0, lostRate: 0, lateRate: 0 };
const statuses = (journey: ReturnType<typeof carrierJourney>) => journey.map((r) => r.status);

describe('carrierJourney', () => {
  it('delivers on the transit day drawn between p50 and p90 when nothing goes wrong', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 200; i++) {
      const journey = carrierJourney({ p50: 2, p90: 4 }, random, never);
      expect(statuses(journey)).toEqual(['PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED']);
      const delivered = journey.at(-1);
      expect(delivered?.day).toBeGreaterThanOrEqual(2);
      expect(delivered?.day).toBeLessThanOrEqual(4);
      expect(journey.slice(0, 2).map((r) => r.day)).toEqual([0, 0]);
    }
  });

  it('a late parcel takes one day more than p90', () => {
    const journey = carrierJourney({ p50: 3, p90: 3 }, mulberry32(1), { ...never, lateRate: 1 });
    expect(journey.at(-1)).toMatchObject({ status: 'DELIVERED', day: 4 });
  });

  it('tries again the next carrier day after a missed delivery, at most three times', () => {
    const journey = carrierJourney({ p50: 1, p90: 1 }, mulberry32(1), { ...never, failedAttemptRate: 1 });
    const failed = journey.filter((r) => r.status === 'DELIVERY_FAILED');
    expect(failed).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect(failed.map((r) => [r.day, r.attempt, r.reason])).toEqual([
      [1, 1, 'recipient_absent'],
      [2, 2, 'recipient_absent'],
      [3, 3, 'recipient_absent'],
    ]);
    expect(journey.at(-1)?.status).toBe('DELIVERY_FAILED');
  });

  it('a lost parcel is reported LOST on its transit day and nothing follows', () => {
    const journey = carrierJourney({ p50: 2, p90: 2 }, mulberry32(1), { ...never, lostRate: 1 });
    expect(statuses(journey)).toEqual(['PICKED_UP', 'IN_TRANSIT', 'LOST']);
    expect(journey.at(-1)).toMatchObject({ reason: 'lost', day: 2 });
  });

  it('is a function of its random source: the same seed, the same journeys', () => {
    const draw = (seed: number) => {
      const random = mulberry32(seed);
      return Array.from({ length: 50 }, () =>
        carrierJourney({ p50: 2, p90: 3 }, random, defaultCarrierRates),
      );
    };
    expect(draw(42)).toEqual(draw(42));
  });

  it('at the default rates, failures and late parcels show up in proportion', () => {
    const random = mulberry32(3);
    const journeys = Array.from({ length: 20_000 }, () => carrierJourney({ p50: 2, p90: 3 }, random));
    const share = (test: (j: ReturnType<typeof carrierJourney>) => boolean) =>
      journeys.filter(test).length / journeys.length;
    expect(share((j) => j.some((r) => r.status === 'DELIVERY_FAILED'))).toBeCloseTo(0.04, 1);
    expect(share((j) => (j.find((r) => r.status === 'OUT_FOR_DELIVERY')?.day ?? 0) > 3)).toBeCloseTo(0.05, 1);
    expect(share((j) => j.some((r) => r.status === 'LOST'))).toBeLessThan(0.01);
  });
});

describe('transitDaysOf', () => {
  it('stays within p50..p90 without lateness', () => {
    const random = mulberry32(9);
    const days = new Set(Array.from({ length: 500 }, () => transitDaysOf({ p50: 3, p90: 5 }, random, 0)));
    expect([...days].sort()).toEqual([3, 4, 5]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PromiseOption, promiseOptions } from '../../functions/core/promise/promise.ts';
import type { PlannedShipment } from '../../functions/core/sourcing/types.ts';

const oneParcel: PlannedShipment[] = [
  { locationId: 'W1', lines: [{ sku: 'A', quantity: 1 }], distanceKm: 120, weightKg: 2, cost: 7.35 },
];
const twoParcels: PlannedShipment[] = [
  ...oneParcel,
  { locationId: 'S1', lines: [{ sku: 'B', quantity: 3 }], distanceKm: 8, weightKg: 1.5, cost: 5.8 },
];

/** The calendar day of an instant in France, where the promise is made. */
const parisDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(at);

const instantArb = fc.date({
  min: new Date('2025-01-01T00:00:00Z'),
  max: new Date('2027-01-01T00:00:00Z'),
  noInvalidDate: true,
});
const shipmentsArb: fc.Arbitrary<PlannedShipment[]> = fc.array(
  fc.record({
    locationId: fc.constantFrom('W1', 'W2', 'S1'),
    lines: fc.constant([{ sku: 'A', quantity: 1 }].map((l) => ({ ...l }))),
    distanceKm: fc.double({ min: 0, max: 1200, noNaN: true }),
    weightKg: fc.double({ min: 0, max: 60, noNaN: true }),
    cost: fc.double({ min: 0, max: 200, noNaN: true }),
  }),
  { minLength: 1, maxLength: 4 },
);

const byService = (options: PromiseOption[], service: 'standard' | 'express') => {
  const option = options.find((o) => o.service === service);
  if (!option) throw new Error(`no ${service} option`);
  return option;
};

describe('promiseOptions for home delivery', () => {
  it('offers standard and express, each with a carrier, the locations and dates in order', () => {
    const options = promiseOptions('home', twoParcels, new Date('2025-03-04T09:00:00.000Z'));
    expect(options.map((o) => [o.mode, o.service, o.carrierId])).toEqual([
      ['home', 'standard', 'colis-standard'],
      ['home', 'express', 'express-24'],
    ]);
    for (const option of options) {
      expect(option.locationIds).toEqual(['W1', 'S1']);
      expect(option.earliestDate <= option.latestDate).toBe(true);
      expect(option.earliestDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(byService(options, 'standard').cost).toBeCloseTo(13.15, 2);
    expect(byService(options, 'express').cost).toBeGreaterThan(byService(options, 'standard').cost);
  });

  it('before the 14:00 Paris cut-off the parcel leaves the same day, from 14:00 the next carrier day', () => {
    // Tuesday 4 March 2025, Paris is UTC+1
    const before = promiseOptions('home', oneParcel, new Date('2025-03-04T12:59:00.000Z'));
    const after = promiseOptions('home', oneParcel, new Date('2025-03-04T13:00:00.000Z'));
    expect(byService(before, 'express').earliestDate).toBe('2025-03-05');
    expect(byService(before, 'standard').earliestDate).toBe('2025-03-06');
    expect(byService(after, 'express').earliestDate).toBe('2025-03-06');
    expect(byService(after, 'standard').earliestDate).toBe('2025-03-07');
  });

  it('applies the cut-off in Paris summer time too', () => {
    // Tuesday 1 July 2025, Paris is UTC+2: 13:30Z is 15:30 in Paris, after the cut-off
    const options = promiseOptions('home', oneParcel, new Date('2025-07-01T13:30:00.000Z'));
    expect(byService(options, 'express').earliestDate).toBe('2025-07-03');
  });

  it('does not deliver on a Sunday: Saturday afternoon leaves on Monday', () => {
    const options = promiseOptions('home', oneParcel, new Date('2025-03-08T15:00:00.000Z'));
    expect(byService(options, 'express').earliestDate).toBe('2025-03-11');
    expect(byService(options, 'standard').earliestDate).toBe('2025-03-12');
  });

  it('an order on Sunday morning leaves on Monday', () => {
    const options = promiseOptions('home', oneParcel, new Date('2025-03-09T09:00:00.000Z'));
    expect(byService(options, 'express').earliestDate).toBe('2025-03-11');
  });

  it('sends a heavy parcel with the freight carrier for both services', () => {
    const heavy: PlannedShipment[] = [{ ...oneParcel[0], weightKg: 80 } as PlannedShipment];
    const options = promiseOptions('home', heavy, new Date('2025-03-04T09:00:00.000Z'));
    expect(options.map((o) => o.carrierId)).toEqual(['fret-lourd', 'fret-lourd']);
  });

  it('property: earliest <= latest, cost >= 0, express never later than standard', () => {
    fc.assert(
      fc.property(instantArb, shipmentsArb, (at, shipments) => {
        const options = promiseOptions('home', shipments, at);
        expect(options.map((o) => o.service).sort()).toEqual(['express', 'standard']);
        for (const o of options) {
          expect(o.earliestDate <= o.latestDate).toBe(true);
          expect(o.cost).toBeGreaterThanOrEqual(0);
          expect(o.co2Kg).toBeGreaterThanOrEqual(0);
        }
        const standard = byService(options, 'standard');
        const express = byService(options, 'express');
        expect(express.earliestDate <= standard.earliestDate).toBe(true);
        expect(express.latestDate <= standard.latestDate).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('promiseOptions for pickup', () => {
  it('click & collect gives one option of that mode, with no carrier', () => {
    const options = promiseOptions('click_collect', oneParcel, new Date('2025-03-04T09:00:00.000Z'));
    expect(options).toHaveLength(1);
    expect(options[0]).toMatchObject({ mode: 'click_collect', locationIds: ['W1'] });
    expect(options[0]?.carrierId).toBeUndefined();
    expect(options[0]?.earliestDate).toBe('2025-03-04');
    expect(options[0]?.latestDate).toBe(options[0]?.earliestDate);
    // what preparing the shipment costs, no carrier on top
    expect(options[0]?.cost).toBe(7.35);
  });

  it('e-reservation gives one option of that mode', () => {
    const options = promiseOptions('e_reservation', oneParcel, new Date('2025-03-04T09:00:00.000Z'));
    expect(options.map((o) => o.mode)).toEqual(['e_reservation']);
  });
});

describe('promise dates are days in France', () => {
  // Between midnight and 01:00 (02:00 in summer) Paris is already on the next day while UTC is not.
  it('an order at 00:30 on a Tuesday in Paris is not promised for Monday', () => {
    const at = new Date('2025-01-06T23:30:00.000Z'); // Tuesday 7 January, 00:30 in Paris
    const [pickup] = promiseOptions('click_collect', oneParcel, at);
    expect(pickup?.earliestDate).toBe('2025-01-07');
    const home = promiseOptions('home', oneParcel, at);
    expect(byService(home, 'express').earliestDate).toBe('2025-01-08');
  });

  it('an order at 00:30 on a Sunday in Paris leaves on Monday, not on the Saturday before', () => {
    const at = new Date('2025-01-11T23:30:00.000Z'); // Sunday 12 January, 00:30 in Paris
    const [pickup] = promiseOptions('click_collect', oneParcel, at);
    expect(pickup?.earliestDate).toBe('2025-01-13');
    expect(byService(promiseOptions('home', oneParcel, at), 'express').earliestDate).toBe('2025-01-14');
  });

  it('property: a pickup is never ready before the order day in Paris, a parcel never arrives on it', () => {
    fc.assert(
      fc.property(instantArb, shipmentsArb, (at, shipments) => {
        const today = parisDay(at);
        const [pickup] = promiseOptions('click_collect', shipments, at);
        expect((pickup?.earliestDate ?? '') >= today, `pickup at ${at.toISOString()}`).toBe(true);
        for (const o of promiseOptions('home', shipments, at))
          expect(o.earliestDate > today, `${o.service} at ${at.toISOString()}`).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('promise dates and public holidays', () => {
  // DESIGN §6: the built-in carriers work Monday to Saturday and never on public holidays.
  it('does not promise delivery on Christmas Day', () => {
    const options = promiseOptions('home', oneParcel, new Date('2025-12-24T09:00:00.000Z'));
    for (const o of options) expect(o.earliestDate, o.service).not.toBe('2025-12-25');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  builtInCarriers,
  type Carrier,
  cheapestOffer,
  co2KgOf,
} from '../../functions/core/carriers/carriers.ts';
import type { Location } from '../../functions/core/network.ts';
import type { Service } from '../../functions/core/orders/types.ts';
import { departureOf } from '../../functions/core/promise/departure.ts';
import {
  chosenPromise,
  type PromiseInput,
  type PromiseOption,
  promiseOptions,
} from '../../functions/core/promise/promise.ts';
import { sourcingProfileFor } from '../../functions/core/sourcing/profiles.ts';
import type { PlannedShipment } from '../../functions/core/sourcing/types.ts';

const co2PricePerKg = sourcingProfileFor(undefined).costs.co2PricePerKg;
const carrier = (id: string) => builtInCarriers.find((c) => c.carrierId === id) as Carrier;
/** A national parcel network and an express one: dates are easy to read with these two. */
const twoCarriers = [carrier('colis-standard'), carrier('express-24')];

const oneParcel: PlannedShipment[] = [
  { locationId: 'W1', lines: [{ sku: 'A', quantity: 1 }], distanceKm: 120, weightKg: 2, cost: 7.35 },
];

function promise(at: string, options: Partial<PromiseInput> & { location?: Partial<Location> } = {}) {
  const { location, ...rest } = options;
  return promiseOptions({
    mode: 'home',
    shipments: oneParcel,
    at: new Date(at),
    locations: new Map([['W1', location ?? {}]]),
    carriers: twoCarriers,
    postcode: '13001',
    co2PricePerKg,
    ...rest,
  });
}

const byService = (options: PromiseOption[], service: Service) => {
  const option = options.find((o) => o.service === service);
  if (!option) throw new Error(`no ${service} option`);
  return option;
};
const dates = (o: PromiseOption) => [o.earliestDate, o.latestDate];

/** The calendar day of an instant in France, where the promise is made. */
const parisDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(at);

describe('a shipment on a later capacity day', () => {
  it('is dated from that day: the promise moves with it', () => {
    // Tuesday 4 March 2025 at 10:00 Paris: today it would leave today; on Thursday's slot, Thursday
    const today = byService(promise('2025-03-04T09:00:00.000Z'), 'standard');
    const later = byService(
      promise('2025-03-04T09:00:00.000Z', {
        shipments: [{ ...oneParcel[0], capacityDay: '2025-03-06' } as PlannedShipment],
      }),
      'standard',
    );
    expect(dates(today)).toEqual(['2025-03-06', '2025-03-07']);
    expect(dates(later)).toEqual(['2025-03-08', '2025-03-10']);
  });
});

describe('the location cut-off', () => {
  // Tuesday 4 March 2025, Paris is UTC+1
  it('a location with cutoffTime 18:00 keeps same-day departure at 17:00 and moves it at 18:30', () => {
    const location = { cutoffTime: '18:00' };
    const at17 = byService(promise('2025-03-04T16:00:00.000Z', { location }), 'standard');
    const at1830 = byService(promise('2025-03-04T17:30:00.000Z', { location }), 'standard');
    // colis-standard: p50 2, p90 3 carrier days from the departure day
    expect(dates(at17)).toEqual(['2025-03-06', '2025-03-07']);
    expect(dates(at1830)).toEqual(['2025-03-07', '2025-03-08']);
    expect(at17.cutoffAt).toBe('2025-03-04T17:00:00.000Z');
    expect(at1830.cutoffAt).toBe('2025-03-05T17:00:00.000Z');
  });

  it('without cutoffTime the cut-off is 14:00 Paris', () => {
    const before = promise('2025-03-04T12:59:00.000Z');
    const after = promise('2025-03-04T13:00:00.000Z');
    expect(byService(before, 'express').earliestDate).toBe('2025-03-05');
    expect(byService(before, 'standard').earliestDate).toBe('2025-03-06');
    expect(byService(after, 'express').earliestDate).toBe('2025-03-06');
    expect(byService(after, 'standard').earliestDate).toBe('2025-03-07');
    expect(byService(before, 'standard').cutoffAt).toBe('2025-03-04T13:00:00.000Z');
  });

  it('applies the cut-off in Paris summer time too', () => {
    // Tuesday 1 July 2025, Paris is UTC+2: 13:30Z is 15:30 in Paris, after the cut-off
    const express = byService(promise('2025-07-01T13:30:00.000Z'), 'express');
    expect(express.earliestDate).toBe('2025-07-03');
    expect(express.cutoffAt).toBe('2025-07-02T12:00:00.000Z');
  });

  it("a carrier's earlier pickup cut-off binds before the location's", () => {
    const early: Carrier = { ...carrier('colis-standard'), pickupCutoff: '11:00' };
    const options = promise('2025-03-04T10:30:00.000Z', { carriers: [early] }); // 11:30 Paris
    expect(byService(options, 'standard').earliestDate).toBe('2025-03-07');
    expect(byService(options, 'standard').cutoffAt).toBe('2025-03-05T10:00:00.000Z');
  });
});

describe('location calendars: preparation and opening days', () => {
  it('preparation days delay the departure by that many opening days', () => {
    const options = promise('2025-03-04T09:00:00.000Z', { location: { preparationDays: 1 } });
    expect(byService(options, 'standard').earliestDate).toBe('2025-03-07');
    // ordering later the same day still starts the preparation that day
    expect(byService(options, 'standard').cutoffAt).toBe('2025-03-04T13:00:00.000Z');
  });

  it('a store closed on Mondays starts a Sunday order on Tuesday', () => {
    const sunday = '2025-03-09T09:00:00.000Z';
    expect(byService(promise(sunday), 'standard').earliestDate).toBe('2025-03-12');
    const closedMonday = promise(sunday, { location: { openingDays: [2, 3, 4, 5, 6] } });
    expect(byService(closedMonday, 'standard').earliestDate).toBe('2025-03-13');
  });

  it('a store open on Sunday still waits for a carrier day to hand the parcel over', () => {
    const departure = departureOf(
      new Date('2025-03-09T09:00:00.000Z'),
      { openingDays: [1, 2, 3, 4, 5, 6, 7] },
      {},
    );
    expect(departure.day.toISOString().slice(0, 10)).toBe('2025-03-10');
  });
});

describe('public holidays', () => {
  it('14 July: a Saturday order is not delivered on the Monday holiday', () => {
    const options = promise('2025-07-12T08:00:00.000Z'); // Saturday 12 July, 10:00 Paris
    expect(byService(options, 'standard').earliestDate).toBe('2025-07-16');
    expect(byService(options, 'express').earliestDate).toBe('2025-07-15');
  });

  it('1 May: an order the evening before is prepared on 2 May', () => {
    const options = promise('2025-04-30T13:00:00.000Z'); // Wednesday 30 April, 15:00 Paris
    expect(byService(options, 'express').earliestDate).toBe('2025-05-03');
    expect(byService(options, 'standard').earliestDate).toBe('2025-05-05');
    expect(byService(options, 'standard').cutoffAt).toBe('2025-05-02T12:00:00.000Z');
  });

  it('Ascension (29 May 2025) is not a carrier day', () => {
    const options = promise('2025-05-28T08:00:00.000Z');
    expect(byService(options, 'standard').earliestDate).toBe('2025-05-31');
  });

  it('does not promise delivery on Christmas Day', () => {
    for (const o of promise('2025-12-24T09:00:00.000Z', { carriers: builtInCarriers }))
      expect(o.earliestDate, o.service).not.toBe('2025-12-25');
  });
});

describe('carrier working days and transit', () => {
  const heavy: PlannedShipment[] = [{ ...(oneParcel[0] as PlannedShipment), weightKg: 80 }];

  it('a Monday-to-Friday carrier counts no Saturday, and does not pick up on one', () => {
    const friday = promise('2025-03-07T09:00:00.000Z', { shipments: heavy, carriers: builtInCarriers });
    // fret-lourd: p50 3, p90 5 working days, Monday to Friday
    expect(byService(friday, 'standard')).toMatchObject({ carrierId: 'fret-lourd' });
    expect(dates(byService(friday, 'standard'))).toEqual(['2025-03-12', '2025-03-14']);
    const saturday = promise('2025-03-08T09:00:00.000Z', { shipments: heavy, carriers: builtInCarriers });
    expect(dates(byService(saturday, 'standard'))).toEqual(['2025-03-13', '2025-03-17']);
  });

  it('an express parcel over the express weight limit is not promised express (never silently freight)', () => {
    const options = promise('2025-03-04T09:00:00.000Z', { shipments: heavy, carriers: builtInCarriers });
    expect(options.map((o) => o.service)).toEqual(['standard']);
    // an order asking for express is promised what can be done, and says which service that is
    expect(chosenPromise(options, 'express')?.service).toBe('standard');
  });
});

describe('same-day delivery', () => {
  const local: PlannedShipment[] = [{ ...(oneParcel[0] as PlannedShipment), distanceKm: 5 }];
  const sameDay = (at: string, postcode: string, shipments = local) =>
    promise(at, { shipments, postcode, carriers: builtInCarriers }).find((o) => o.service === 'same_day');

  it('is offered in a covered postcode before the courier cut-off, delivered that day', () => {
    const option = sameDay('2025-03-04T09:00:00.000Z', '75011'); // 10:00 Paris
    expect(option).toMatchObject({
      carrierId: 'velo-urbain',
      earliestDate: '2025-03-04',
      latestDate: '2025-03-04',
      cutoffAt: '2025-03-04T11:00:00.000Z',
    });
  });

  it('is not offered after the courier cut-off, outside its postcodes, beyond its zone or on its days off', () => {
    expect(sameDay('2025-03-04T11:30:00.000Z', '75011')).toBeUndefined();
    expect(sameDay('2025-03-04T09:00:00.000Z', '13001')).toBeUndefined();
    expect(sameDay('2025-03-04T09:00:00.000Z', '75011', oneParcel)).toBeUndefined();
    expect(sameDay('2025-03-08T09:00:00.000Z', '75011')).toBeUndefined(); // Saturday
  });
});

describe('cost and CO2 come from the rate cards and the one CO2 model', () => {
  const twoParcels: PlannedShipment[] = [
    ...oneParcel,
    { locationId: 'S1', lines: [{ sku: 'B', quantity: 3 }], distanceKm: 8, weightKg: 1.5, cost: 5.8 },
  ];

  it('each parcel is priced and dated with its own cheapest offer; the option is the latest parcel', () => {
    const at = '2025-03-04T12:00:00.000Z'; // 13:00 Paris: W1 (14:00) leaves today, S1 (12:00) tomorrow
    const options = promise(at, {
      shipments: twoParcels,
      carriers: builtInCarriers,
      locations: new Map([
        ['W1', {}],
        ['S1', { cutoffTime: '12:00' }],
      ]),
    });
    const standard = byService(options, 'standard');
    const offers = twoParcels.map((s) =>
      cheapestOffer(builtInCarriers, { ...s, postcode: '13001' }, 'standard', co2PricePerKg),
    );
    expect(standard.cost).toBeCloseTo((offers[0]?.price ?? 0) + (offers[1]?.price ?? 0), 2);
    expect(standard.co2Kg).toBeCloseTo((offers[0]?.co2Kg ?? 0) + (offers[1]?.co2Kg ?? 0), 3);
    expect(standard.locationIds).toEqual(['W1', 'S1']);
    const alone = promise(at, { carriers: builtInCarriers });
    expect(standard.latestDate > byService(alone, 'standard').latestDate).toBe(true);
    expect(standard.cutoffAt).toBe('2025-03-04T13:00:00.000Z');
  });

  it('the CO2 figure is co2KgOf at the chosen service factor', () => {
    const express = byService(promise('2025-03-04T09:00:00.000Z'), 'express');
    expect(express.co2Kg).toBeCloseTo(co2KgOf(0.6, 2, 120), 3);
    expect(express.cost).toBe(13.9); // express-24 regional, up to 5 kg
  });
});

describe('pickup options', () => {
  const atStore: PlannedShipment[] = [{ ...(oneParcel[0] as PlannedShipment), distanceKm: 0 }];
  it('click & collect from the store itself: ready the day it is prepared, no carrier', () => {
    const [option, ...rest] = promise('2025-03-04T09:00:00.000Z', {
      mode: 'click_collect',
      shipments: atStore,
    });
    expect(rest).toEqual([]);
    expect(option).toMatchObject({
      mode: 'click_collect',
      earliestDate: '2025-03-04',
      latestDate: '2025-03-04',
      cost: 7.35,
    });
    expect(option?.carrierId).toBeUndefined();
  });

  it('click & collect by transfer from a warehouse: ready the day the carrier brings it, later than from the store', () => {
    const at = '2025-03-04T09:00:00.000Z';
    const [fromStore] = promise(at, { mode: 'click_collect', shipments: atStore });
    const [byTransfer, ...rest] = promise(at, { mode: 'click_collect', shipments: oneParcel });
    expect(rest).toEqual([]);
    // leaves W1 on Tuesday, carried by the cheapest standard offer: ready when its p90 brings it
    expect(byTransfer).toMatchObject({
      mode: 'click_collect',
      locationIds: ['W1'],
      earliestDate: '2025-03-07',
      latestDate: '2025-03-07',
    });
    expect((byTransfer?.earliestDate ?? '') > (fromStore?.earliestDate ?? '')).toBe(true);
    expect(byTransfer?.co2Kg).toBeGreaterThan(0);
  });

  it('an order at 00:30 on a Sunday in Paris is ready on Monday, not on the Saturday before', () => {
    const [option] = promise('2025-01-11T23:30:00.000Z', { mode: 'e_reservation', shipments: atStore });
    expect(option?.earliestDate).toBe('2025-01-13');
  });
});

describe('properties', () => {
  const instantArb = fc.date({
    min: new Date('2025-01-01T00:00:00Z'),
    max: new Date('2027-01-01T00:00:00Z'),
    noInvalidDate: true,
  });
  const shipmentsArb: fc.Arbitrary<PlannedShipment[]> = fc.array(
    fc.record({
      locationId: fc.constantFrom('W1', 'W2', 'S1'),
      lines: fc.constant([{ sku: 'A', quantity: 1 }]),
      distanceKm: fc.double({ min: 0, max: 1200, noNaN: true }),
      weightKg: fc.double({ min: 0, max: 60, noNaN: true }),
      cost: fc.double({ min: 0, max: 200, noNaN: true }),
    }),
    { minLength: 1, maxLength: 4 },
  );
  const locations = new Map<string, Partial<Location>>([
    ['W1', {}],
    ['W2', { cutoffTime: '18:00', preparationDays: 1 }],
    ['S1', { cutoffTime: '12:00', openingDays: [2, 3, 4, 5, 6] }],
  ]);
  const postcodeArb = fc.constantFrom('75011', '13001', '69001');

  it('earliest <= latest, cost >= 0, cutoffAt after the order, never delivered before the order day', () => {
    fc.assert(
      fc.property(instantArb, shipmentsArb, postcodeArb, (at, shipments, postcode) => {
        const options = promiseOptions({
          mode: 'home',
          shipments,
          at,
          locations,
          carriers: builtInCarriers,
          postcode,
          co2PricePerKg,
        });
        expect(options.some((o) => o.service === 'standard')).toBe(true);
        for (const o of options) {
          expect(o.earliestDate <= o.latestDate).toBe(true);
          expect(o.cost).toBeGreaterThanOrEqual(0);
          expect(o.co2Kg).toBeGreaterThanOrEqual(0);
          expect(Date.parse(o.cutoffAt)).toBeGreaterThan(at.getTime());
          expect(o.earliestDate >= parisDay(at)).toBe(true);
          if (o.service !== 'same_day') expect(o.earliestDate > parisDay(at)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('ordering just before cutoffAt keeps the dates', () => {
    fc.assert(
      fc.property(instantArb, shipmentsArb, (at, shipments) => {
        const input = {
          mode: 'home' as const,
          shipments,
          locations,
          carriers: builtInCarriers,
          co2PricePerKg,
        };
        for (const o of promiseOptions({ ...input, at })) {
          const later = promiseOptions({ ...input, at: new Date(Date.parse(o.cutoffAt) - 60_000) });
          expect(dates(byService(later, o.service)), `${o.service} at ${at.toISOString()}`).toEqual(dates(o));
        }
      }),
      { numRuns: 300 },
    );
  });
});

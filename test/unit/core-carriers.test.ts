import { describe, expect, it } from 'vitest';
import { addCarrierDays, isoDay } from '../../functions/core/carriers/calendar.ts';
import {
  builtInCarriers,
  type Carrier,
  carrierOffers,
  carriersInForce,
  cheapestOffer,
  co2KgOf,
  covers,
  priceOf,
  trackingNumberFor,
  trackingPrefixOf,
  zoneOf,
} from '../../functions/core/carriers/carriers.ts';

const carrier = (id: string): Carrier => {
  const found = builtInCarriers.find((c) => c.carrierId === id);
  if (!found) throw new Error(`no carrier ${id}`);
  return found;
};

describe('zoneOf', () => {
  it('is local up to 50 km, regional up to 300 km, national beyond', () => {
    expect([0, 50, 50.01, 300, 300.5, 1000].map(zoneOf)).toEqual([
      'local',
      'local',
      'regional',
      'regional',
      'national',
      'national',
    ]);
  });
});

describe('priceOf', () => {
  const service = {
    service: 'standard' as const,
    transitDays: { p50: 2, p90: 3 },
    maxWeightKg: 10,
    rates: [
      { zone: 'national' as const, maxKg: 1, price: 6 },
      { zone: 'national' as const, maxKg: 5, price: 8 },
      { zone: 'national' as const, maxKg: 12, price: 11 },
      { zone: 'local' as const, maxKg: 5, price: 4 },
    ],
    co2KgPerTonneKm: 0.2,
    factorSource: 'test',
  };

  it('takes the band that holds the weight, its upper bound included', () => {
    expect(priceOf(service, 'national', 0.5)).toBe(6);
    expect(priceOf(service, 'national', 1)).toBe(6);
    expect(priceOf(service, 'national', 1.01)).toBe(8);
    expect(priceOf(service, 'local', 5)).toBe(4);
  });

  it('has no price above the service weight limit, or where the zone has no band for the weight', () => {
    expect(priceOf(service, 'national', 10.5)).toBeUndefined();
    expect(priceOf(service, 'local', 6)).toBeUndefined();
    expect(priceOf(service, 'regional', 1)).toBeUndefined();
  });
});

describe('carrierOffers', () => {
  it('offers every built-in service that takes a 2 kg national parcel, same-day only where covered', () => {
    const national = carrierOffers(builtInCarriers, { weightKg: 2, distanceKm: 450, postcode: '13001' });
    expect(national.map((o) => `${o.carrierId}/${o.service}`).sort()).toEqual([
      'colis-standard/standard',
      'express-24/express',
      'fret-lourd/standard',
      'relais-points/standard',
    ]);
    const paris = carrierOffers(builtInCarriers, { weightKg: 2, distanceKm: 12, postcode: '75011' });
    expect(paris.some((o) => o.service === 'same_day' && o.carrierId === 'velo-urbain')).toBe(true);
  });

  it('leaves heavy parcels to the heavy-goods carrier', () => {
    const offers = carrierOffers(builtInCarriers, { weightKg: 120, distanceKm: 200, postcode: '69003' });
    expect(offers.map((o) => o.carrierId)).toEqual(['fret-lourd']);
    expect(offers[0]?.price).toBe(89);
  });

  it('limits the offers to the services asked for, and prices CO2 with the service factor', () => {
    const offers = carrierOffers(builtInCarriers, { weightKg: 2, distanceKm: 400 }, ['express']);
    expect(offers).toHaveLength(1);
    expect(offers[0]?.co2Kg).toBeCloseTo(co2KgOf(0.6, 2, 400), 10);
    expect(co2KgOf(0.25, 2000, 100)).toBeCloseTo(50, 10);
  });
});

describe('cheapestOffer', () => {
  it('takes the lowest price plus priced CO2 of the service asked for', () => {
    const parcel = { weightKg: 2, distanceKm: 450, postcode: '13001' };
    expect(cheapestOffer(builtInCarriers, parcel, 'standard', 0.1)?.carrierId).toBe('relais-points');
    expect(cheapestOffer(builtInCarriers, parcel, 'express', 0.1)?.carrierId).toBe('express-24');
    expect(cheapestOffer(builtInCarriers, parcel, 'same_day', 0.1)).toBeUndefined();
  });

  it('lets a high carbon price change the choice', () => {
    const parcel = { weightKg: 20, distanceKm: 900, postcode: '13001' };
    // Relais Points 11.90 € + 3.24 kg; Colis Standard 18.50 € + 4.5 kg; Fret Lourd 59 € + 1.8 kg
    expect(cheapestOffer(builtInCarriers, parcel, 'standard', 0.1)?.carrierId).toBe('relais-points');
    expect(cheapestOffer(builtInCarriers, parcel, 'standard', 40)?.carrierId).toBe('fret-lourd');
  });
});

describe('covers and carriersInForce', () => {
  it('a carrier without coverage serves all of France; one with prefixes only those', () => {
    expect(covers(carrier('colis-standard'), '97400')).toBe(true);
    expect(covers(carrier('velo-urbain'), '69003')).toBe(true);
    expect(covers(carrier('velo-urbain'), '69100')).toBe(false);
  });

  it("replaces a built-in carrier by the retailer's own of the same id and keeps the others", () => {
    const own: Carrier = { ...carrier('colis-standard'), name: 'Notre transporteur' };
    const inForce = carriersInForce([own]);
    expect(inForce).toHaveLength(builtInCarriers.length);
    expect(inForce.find((c) => c.carrierId === 'colis-standard')?.name).toBe('Notre transporteur');
  });
});

describe('trackingNumberFor', () => {
  it('is deterministic: a retried dispatch gets the same number', () => {
    const c = carrier('colis-standard');
    expect(trackingNumberFor(c, 'O-1-S1')).toBe(trackingNumberFor(c, 'O-1-S1'));
  });

  it('carries the carrier prefix, 14 digits and FR, and fits the webhook pattern', () => {
    for (const c of builtInCarriers) {
      const number = trackingNumberFor(c, 'O-1-S1');
      expect(number).toMatch(new RegExp(`^${trackingPrefixOf(c.carrierId)}\\d{14}FR$`));
      expect(number).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    }
  });

  it('prefixes with the initials of the carrier id', () => {
    expect(builtInCarriers.map((c) => trackingPrefixOf(c.carrierId))).toEqual(['CS', 'EX', 'RP', 'VU', 'FL']);
  });

  it('differs per shipment and per carrier', () => {
    const c = carrier('colis-standard');
    const numbers = new Set<string>();
    for (let order = 0; order < 2000; order++)
      for (let s = 1; s <= 3; s++) numbers.add(trackingNumberFor(c, `O-${order}-S${s}`));
    expect(numbers.size).toBe(6000);
    expect(trackingNumberFor(carrier('express-24'), 'O-1-S1').slice(2)).not.toBe(
      trackingNumberFor(c, 'O-1-S1').slice(2),
    );
  });
});

describe('addCarrierDays', () => {
  const day = (iso: string, n: number) => isoDay(addCarrierDays(new Date(`${iso}T10:00:00.000Z`), n));

  it('skips Sundays: Saturday + 1 is Monday', () => {
    expect(day('2025-03-08', 1)).toBe('2025-03-10');
  });

  it('counts Saturday as a working day: Friday + 1 is Saturday', () => {
    expect(day('2025-03-07', 1)).toBe('2025-03-08');
  });

  it('Sunday + 1 is Monday; Monday + 5 is Saturday and Monday + 6 the next Monday', () => {
    expect(day('2025-03-09', 1)).toBe('2025-03-10');
    expect(day('2025-03-03', 5)).toBe('2025-03-08');
    expect(day('2025-03-03', 6)).toBe('2025-03-10');
  });

  it('adds nothing for zero days and keeps the time of day', () => {
    const from = new Date('2025-03-05T16:45:00.000Z');
    expect(addCarrierDays(from, 0).toISOString()).toBe(from.toISOString());
    expect(addCarrierDays(from, 2).toISOString()).toBe('2025-03-07T16:45:00.000Z');
  });

  it('does not change the date it is given', () => {
    const from = new Date('2025-03-08T10:00:00.000Z');
    addCarrierDays(from, 3);
    expect(from.toISOString()).toBe('2025-03-08T10:00:00.000Z');
  });

  it('never lands on a Sunday', () => {
    for (let start = 0; start < 14; start++)
      for (let n = 1; n <= 10; n++) {
        const from = new Date(Date.UTC(2025, 2, 1 + start, 10));
        expect(addCarrierDays(from, n).getUTCDay(), `${from.toISOString()} + ${n}`).not.toBe(0);
      }
  });
});

import { describe, expect, it } from 'vitest';
import { addCarrierDays, isoDay } from '../../functions/core/carriers/calendar.ts';
import {
  builtInCarriers,
  chooseCarrier,
  findCarrier,
  trackingNumberFor,
} from '../../functions/core/carriers/carriers.ts';

const carrier = (id: string) => {
  const found = findCarrier(id);
  if (!found) throw new Error(`no carrier ${id}`);
  return found;
};

describe('chooseCarrier', () => {
  it('takes the carrier of the requested service when it can carry the weight', () => {
    expect(chooseCarrier('standard', 2).carrierId).toBe('colis-standard');
    expect(chooseCarrier('express', 2).carrierId).toBe('express-24');
    expect(chooseCarrier('express', 30).carrierId).toBe('express-24');
  });

  it('falls back to heavy freight above the parcel carriers limit, whatever the service', () => {
    expect(chooseCarrier('standard', 30.1).carrierId).toBe('fret-lourd');
    expect(chooseCarrier('express', 250).carrierId).toBe('fret-lourd');
  });

  it('always answers a carrier whose service or weight fits', () => {
    for (const service of ['standard', 'express'] as const)
      for (const weight of [0, 0.2, 5, 29.9, 30, 31, 999, 1000]) {
        const chosen = chooseCarrier(service, weight);
        expect(chosen.maxWeightKg, `${service} ${weight}`).toBeGreaterThanOrEqual(weight);
      }
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
      expect(number).toMatch(new RegExp(`^${c.trackingPrefix}\\d{14}FR$`));
      expect(number).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    }
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

import { describe, expect, it } from 'vitest';
import { builtInCarriers, type Carrier } from '../../functions/core/carriers/carriers.ts';
import { type CarrierChoiceInput, capacityKey, chooseCarrier } from '../../functions/core/carriers/choice.ts';

const carrier = (id: string) => builtInCarriers.find((c) => c.carrierId === id) as Carrier;
// Tuesday 4 March 2025, 10:00 Paris
const now = new Date('2025-03-04T09:00:00.000Z');

function input(overrides: Partial<CarrierChoiceInput> = {}): CarrierChoiceInput {
  return {
    carriers: builtInCarriers,
    parcel: { weightKg: 2, distanceKm: 400, postcode: '13001' },
    from: {},
    now,
    service: 'standard',
    promisedDate: '2025-03-08',
    co2PricePerKg: 0.1,
    onTimeRate: new Map(),
    capacityUsed: new Map(),
    ...overrides,
  };
}

describe('chooseCarrier', () => {
  it('two parcels that call for different carriers get them: light to the pickup network, heavy to freight', () => {
    const light = chooseCarrier(input());
    const heavy = chooseCarrier(
      input({ parcel: { weightKg: 45, distanceKm: 400 }, promisedDate: '2025-03-11' }),
    );
    expect(light?.carrier.carrierId).toBe('relais-points');
    expect(heavy?.carrier.carrierId).toBe('fret-lourd');
    expect(light?.chosen.deliveryDate).toBe('2025-03-08');
    expect(light?.atRisk).toBe(false);
  });

  it('a tighter promise takes the dearer carrier that keeps it, and lists what else was possible', () => {
    const choice = chooseCarrier(input({ promisedDate: '2025-03-05' }));
    expect(choice?.chosen).toMatchObject({
      carrierId: 'express-24',
      service: 'express',
      deliveryDate: '2025-03-05',
    });
    expect(choice?.record.reason).toContain('delivering by 2025-03-05');
    const others = choice?.record.alternatives.map((a) => a.carrierId).sort();
    expect(others).toEqual(['colis-standard', 'fret-lourd', 'relais-points']);
    for (const a of choice?.record.alternatives ?? []) expect(a.deliveryDate > '2025-03-05').toBe(true);
    // the record keeps the offer taken, priced as the alternatives are: what the parcel cost
    expect(choice?.record.chosen).toEqual({
      carrierId: 'express-24',
      service: 'express',
      cost: Math.round((choice?.chosen.price ?? 0) * 100) / 100,
      co2Kg: Math.round((choice?.chosen.co2Kg ?? 0) * 1000) / 1000,
      deliveryDate: '2025-03-05',
    });
    expect(choice?.record.chosen?.cost).toBeGreaterThan(0);
  });

  it('a carrier at capacity on its departure day is passed over', () => {
    const full = new Map([[capacityKey('relais-points', '2025-03-04'), 5000]]);
    const choice = chooseCarrier(input({ capacityUsed: full }));
    expect(choice?.carrier.carrierId).toBe('colis-standard');
    expect(choice?.record.reason).toContain('at capacity on the day: relais-points');
  });

  it('ties on cost go to lower CO2, then to the better on-time rate', () => {
    const twin = (id: string, co2: number): Carrier => ({
      ...carrier('colis-standard'),
      carrierId: id,
      services: carrier('colis-standard').services.map((s) => ({ ...s, co2KgPerTonneKm: co2 })),
    });
    const carriers = [twin('a-carrier', 0.25), twin('b-carrier', 0.2)];
    // priced CO2 at 0: same cost, b emits less
    expect(chooseCarrier(input({ carriers, co2PricePerKg: 0 }))?.carrier.carrierId).toBe('b-carrier');
    const same = [twin('a-carrier', 0.25), twin('b-carrier', 0.25)];
    const rates = new Map([
      ['a-carrier', 0.8],
      ['b-carrier', 0.95],
    ]);
    expect(chooseCarrier(input({ carriers: same, onTimeRate: rates }))?.carrier.carrierId).toBe('b-carrier');
    expect(chooseCarrier(input({ carriers: same }))?.carrier.carrierId).toBe('a-carrier');
  });

  it('when no carrier keeps the promise, the earliest arrival is taken and the promise is at risk', () => {
    const late = new Date('2025-03-04T15:00:00.000Z'); // 16:00 Paris: everything leaves tomorrow
    const choice = chooseCarrier(input({ now: late, promisedDate: '2025-03-05' }));
    expect(choice?.atRisk).toBe(true);
    expect(choice?.chosen).toMatchObject({ carrierId: 'express-24', deliveryDate: '2025-03-06' });
    expect(choice?.record.reason).toContain('no carrier with capacity delivers by 2025-03-05');
  });

  it('an express parcel over 30 kg: the choice says there is no express offer', () => {
    const choice = chooseCarrier(
      input({ service: 'express', parcel: { weightKg: 40, distanceKm: 400 }, promisedDate: '2025-03-11' }),
    );
    expect(choice?.carrier.carrierId).toBe('fret-lourd');
    expect(choice?.record.reason).toContain('no express offer takes a 40 kg parcel');
  });

  it('same-day only leaves with the courier the day it is dispatched, in its postcodes', () => {
    const city = input({
      parcel: { weightKg: 2, distanceKm: 5, postcode: '75011' },
      promisedDate: '2025-03-04',
    });
    expect(chooseCarrier(city)?.chosen).toMatchObject({ carrierId: 'velo-urbain', service: 'same_day' });
    const afternoon = chooseCarrier({ ...city, now: new Date('2025-03-04T12:00:00.000Z') });
    expect(afternoon?.chosen.carrierId).not.toBe('velo-urbain');
    expect(afternoon?.atRisk).toBe(true);
  });
});

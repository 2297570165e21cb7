import { describe, expect, it } from 'vitest';
import {
  builtInCarriers,
  cheapestOffer,
  offerCost,
  type Zone,
  zoneOf,
} from '../../functions/core/carriers/carriers.ts';
import { distanceKm, type Product } from '../../functions/core/network.ts';
import { type OrderLine, type Service, services } from '../../functions/core/orders/types.ts';
import { type OptimalSourcingResult, sourceOptimal } from '../../functions/core/sourcing/optimal.ts';
import { parcelCost, parcelTariff, zoneTariffAt } from '../../functions/core/sourcing/parcel-cost.ts';
import { defaultProfile, type SourcingProfile } from '../../functions/core/sourcing/profile.ts';
import { places, sourcingRequests, warehouse } from '../support/sourcing.ts';

// Sourcing prices a home parcel with the rate card of the carrier it would use (the built-in
// carriers here): every expected figure below is read off those rate cards, not off a run.

const { paris, montreuil, vincennes, orleans } = places;
const at = new Date('2025-03-03T10:00:00.000Z');
const catalogue: Product[] = [
  { sku: 'A', name: 'Lamp', weightKg: 2 },
  { sku: 'HEAVY', name: 'Armchair', weightKg: 24 },
  { sku: 'CRATE', name: 'Tiles', weightKg: 15 },
  { sku: 'BOX', name: 'Books', weightKg: 20 },
];
const { request } = sourcingRequests(catalogue, { destination: paris, at });
const one = (sku: string, quantity = 1): OrderLine => ({ sku, quantity });
const noCo2: SourcingProfile = { ...defaultProfile, costs: { ...defaultProfile.costs, co2PricePerKg: 0 } };

/** The rate card's price of one built-in carrier's service for `kg` in `zone`: its cheapest band that takes it. */
function rateOf(carrierId: string, service: Service, zone: Zone, kg: number): number {
  const offered = builtInCarriers
    .find((c) => c.carrierId === carrierId)
    ?.services.find((s) => s.service === service);
  if (!offered || kg > offered.maxWeightKg) return Number.POSITIVE_INFINITY;
  return Math.min(...offered.rates.filter((r) => r.zone === zone && r.maxKg >= kg).map((r) => r.price));
}

/** The cheapest built-in standard price for `kg` in `zone` (no coverage limit among them). */
function cheapestStandard(zone: Zone, kg: number): number {
  return Math.min(...builtInCarriers.map((c) => rateOf(c.carrierId, 'standard', zone, kg)));
}

function planned(result: OptimalSourcingResult) {
  if (!result.ok) throw new Error(`expected a plan, got: ${result.reason}`);
  return result;
}

describe('sourceOptimal: the parcel is priced by the carrier it would use', () => {
  it('names the carrier, its rate-card price and its CO2 in the plan and the explanation', () => {
    const result = planned(
      sourceOptimal(request([one('A')], [warehouse('ORL', orleans)], { ORL: { A: 3 } })),
    );
    const [shipment] = result.shipments;
    const km = shipment?.distanceKm ?? 0;
    expect(zoneOf(km)).toBe('regional');
    // a 2 kg parcel, regional: Relais Points' band up to 5 kg is the cheapest standard rate
    const price = rateOf('relais-points', 'standard', 'regional', 2);
    expect(price).toBe(cheapestStandard('regional', 2));
    expect(price).toBeLessThan(rateOf('colis-standard', 'standard', 'regional', 2));
    expect(shipment?.carrier).toMatchObject({ carrierId: 'relais-points', service: 'standard', price });
    // Relais Points' factor: 0.18 kg CO2e per tonne-km
    expect(shipment?.carrier?.co2Kg).toBeCloseTo((2 / 1000) * km * 0.18, 4);
    expect(result.explanation.chosen[0]?.carrier).toEqual(shipment?.carrier);
    expect(result.explanation.costTerms.carrierPrice).toBe(price);
    expect(result.explanation.costTerms.co2).toBeCloseTo((shipment?.carrier?.co2Kg ?? 0) * 0.1, 12);
    expect(result.explanation.co2Kg).toBe(shipment?.carrier?.co2Kg);
  });

  it('a heavy line moves the plan to the location whose rate band is cheaper for the heavier parcel', () => {
    // NEAR is local but dearer to pick from; MID is regional and picks for nothing (both rank first).
    const locations = [
      warehouse('MID', orleans, { handlingCost: 0, priority: 1 }),
      warehouse('NEAR', montreuil, { handlingCost: 1.5, priority: 1 }),
    ];
    const stock = { NEAR: { A: 5, HEAVY: 5 }, MID: { A: 5, HEAVY: 5 } };
    // 2 kg: local and regional bands differ by less than the handling
    expect(cheapestStandard('regional', 2)).toBeLessThan(cheapestStandard('local', 2) + 1.5);
    const light = planned(sourceOptimal(request([one('A')], locations, stock), noCo2));
    expect(light.shipments.map((s) => s.locationId)).toEqual(['MID']);
    expect(light.cost).toBe(cheapestStandard('regional', 2));
    // 26 kg: over every band of 20 kg, so the 30 kg bands, which differ by more than the handling
    expect(cheapestStandard('local', 26) + 1.5).toBeLessThan(cheapestStandard('regional', 26));
    const heavy = planned(sourceOptimal(request([one('A'), one('HEAVY')], locations, stock), noCo2));
    expect(heavy.shipments.map((s) => s.locationId)).toEqual(['NEAR']);
    expect(heavy.shipments[0]?.carrier?.carrierId).toBe('colis-standard');
    expect(heavy.cost).toBe(cheapestStandard('local', 26) + 1.5);
  });

  it('a parcel over every other carrier’s limit goes with the heavy-goods carrier, at its rate', () => {
    const result = planned(
      sourceOptimal(request([one('CRATE', 3)], [warehouse('WH', montreuil)], { WH: { CRATE: 9 } }), noCo2),
    );
    // 45 kg: above the 30 kg of Colis Standard and the 20 kg of Relais Points
    expect(result.shipments[0]?.weightKg).toBe(45);
    expect(result.shipments[0]?.carrier).toMatchObject({
      carrierId: 'fret-lourd',
      price: rateOf('fret-lourd', 'standard', 'local', 45),
    });
  });

  it('an express order no express parcel can take whole leaves in two parcels, or not at all', () => {
    const locations = [warehouse('N1', montreuil), warehouse('N2', vincennes)];
    const express = { service: 'express' as const };
    // two lines of 20 kg: 40 kg in one parcel is over the express service's 30 kg
    const two = planned(
      sourceOptimal(
        request([one('BOX'), one('BOX')], locations, { N1: { BOX: 2 }, N2: { BOX: 2 } }, express),
        noCo2,
      ),
    );
    expect(two.shipments.map((s) => [s.locationId, s.weightKg, s.carrier?.carrierId])).toEqual([
      ['N1', 20, 'express-24'],
      ['N2', 20, 'express-24'],
    ]);
    expect(two.explanation.costTerms.carrierPrice).toBe(2 * rateOf('express-24', 'express', 'local', 20));
    // one line of 40 kg, where splits are off: no express carrier takes it whole from anywhere
    const none = sourceOptimal(
      request([one('BOX', 2)], locations, { N1: { BOX: 2 }, N2: { BOX: 2 } }, express),
      { ...noCo2, splitLines: false },
    );
    expect(none.ok).toBe(false);
    expect(none.explanation.excluded.map((e) => [e.locationId, e.rule])).toEqual([
      ['N1', 'carrier'],
      ['N2', 'carrier'],
    ]);
    expect(none.explanation.excluded[0]?.detail).toBe('no express offer takes a parcel over 30 kg from here');
    // where lines may split (the default), the same line leaves in two parcels of 20 kg
    const split = planned(
      sourceOptimal(request([one('BOX', 2)], locations, { N1: { BOX: 2 }, N2: { BOX: 2 } }, express), noCo2),
    );
    expect(split.shipments.map((s) => [s.locationId, s.weightKg, s.lines])).toEqual([
      ['N1', 20, [{ sku: 'BOX', quantity: 1 }]],
      ['N2', 20, [{ sku: 'BOX', quantity: 1 }]],
    ]);
    expect(split.explanation.splits?.[0]?.reason).toBe('no plan within the rules ships every line whole');
  });

  it('coverage: same day only where the courier covers the postcode, and only from its zone', () => {
    const locations = [warehouse('CITY', montreuil), warehouse('ORL', orleans)];
    const stock = { CITY: { A: 3 }, ORL: { A: 3 } };
    const sameDay = (postcode: string) =>
      sourceOptimal(request([one('A')], locations, stock, { service: 'same_day', postcode }), noCo2);
    const covered = planned(sameDay('75011'));
    expect(covered.shipments[0]).toMatchObject({
      locationId: 'CITY',
      carrier: {
        carrierId: 'velo-urbain',
        service: 'same_day',
        price: rateOf('velo-urbain', 'same_day', 'local', 2),
      },
    });
    // Vélo Urbain has local rates only: 110 km away there is no same-day offer
    expect(covered.explanation.excluded).toEqual([
      {
        locationId: 'ORL',
        rule: 'carrier',
        detail: `no same_day offer covers 75011 at ${distanceKm(orleans, paris).toFixed(1)} km`,
      },
    ]);
    const outside = sameDay('92100');
    expect(outside.ok).toBe(false);
    expect(outside.explanation.excluded.map((e) => [e.locationId, e.rule])).toEqual([
      ['CITY', 'carrier'],
      ['ORL', 'carrier'],
    ]);
  });

  it('click & collect from the store itself pays no carrier', () => {
    const store = warehouse('ST', vincennes, { type: 'store', capabilities: ['click_collect'] });
    const result = planned(
      sourceOptimal(request([one('A')], [store], { ST: { A: 2 } }, { mode: 'click_collect', storeId: 'ST' })),
    );
    expect(result.shipments[0]?.carrier).toBeUndefined();
    expect(result.explanation.costTerms.carrierPrice).toBe(0);
    expect(result.explanation.costTerms.co2).toBe(0);
  });

  it('prices every parcel exactly as cheapestOffer and offerCost do, across bands, zones, services and coverage', () => {
    let checked = 0;
    for (const service of services)
      for (const postcode of ['75011', '92100', undefined])
        for (const km of [0, 12, 50, 50.5, 180, 300, 301, 720]) {
          const tariff = parcelTariff(builtInCarriers, service, postcode, 0.1);
          for (let tenths = 0; tenths <= 1200; tenths += 7) {
            const weightKg = tenths / 10;
            const offer = cheapestOffer(
              builtInCarriers,
              { weightKg, distanceKm: km, postcode },
              service,
              0.1,
            );
            const priced = parcelCost(zoneTariffAt(tariff, km), km, 0.1, weightKg);
            expect(priced, `${service} ${postcode} ${km} km ${weightKg} kg`).toBe(
              offer ? offerCost(offer, 0.1) : Number.POSITIVE_INFINITY,
            );
            checked++;
          }
        }
    expect(checked).toBe(3 * 3 * 8 * 172);
  });
});

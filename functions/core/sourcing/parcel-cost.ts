import {
  type Carrier,
  type CarrierOffer,
  cheapestOffer,
  co2KgOf,
  covers,
  type Zone,
  zoneOf,
  zones,
} from '../carriers/carriers.ts';
import type { Service } from '../orders/types.ts';

/**
 * What a home-delivery parcel costs the plan: the offer `cheapestOffer` would pick for it, priced
 * by `offerCost` (rate-card price + CO2 at the profile's carbon price), so that sourcing, the
 * promise and dispatch price a parcel the same way. As a function of the parcel's weight W, from a
 * location at distance d, it is the lower envelope of one segment per (offer, band):
 *
 *   cost(W) = min over segments σ with W ≤ maxKg(σ) of price(σ) + co2KgOf(factor(σ), W, d)·co2PricePerKg
 *
 * (a band takes the parcels up to its `maxKg` and the service's `maxWeightKg`, and `priceOf` picks
 * the cheapest band that takes the weight, which is the same minimum). Every segment is a constant
 * plus a non-negative slope, valid on [0, maxKg], so cost(W) is non-decreasing, and so is
 * cost(W) − minSlope·W: a partial parcel's cost is a lower bound of the complete parcel's, and
 * adding w kg adds at least minSlope·w. The search's bounds rest on those two facts.
 */

/** The segments of one zone, with those another segment beats everywhere (takes as much, for no more) removed. */
export interface ZoneTariff {
  maxKg: Float64Array;
  price: Float64Array;
  /** kg CO2e per tonne-km */
  factor: Float64Array;
  /** the heaviest parcel any segment takes; −∞ when the zone has none */
  heaviestKg: number;
  minFactor: number;
}

/** The tariff of one order's parcels: one service, to one postcode, at one carbon price. */
export interface ParcelTariff {
  carriers: readonly Carrier[];
  service: Service;
  postcode?: string | undefined;
  co2PricePerKg: number;
  zones: Record<Zone, ZoneTariff>;
}

/**
 * A unit's weight as the plan reads it: whole milligrams, so that a parcel's weight is a sum of
 * integers, the same in any order of its lines, and its rate band never hangs on rounding.
 */
export function milligrams(kg: number | undefined): number {
  return Math.round((kg ?? 0) * 1e6);
}

export function kgOf(mg: number): number {
  return mg / 1e6;
}

function zoneTariff(
  carriers: readonly Carrier[],
  service: Service,
  postcode: string | undefined,
  zone: Zone,
) {
  const segments: { maxKg: number; price: number; factor: number }[] = [];
  for (const carrier of carriers) {
    if (!covers(carrier, postcode)) continue;
    for (const offered of carrier.services) {
      if (offered.service !== service) continue;
      for (const rate of offered.rates)
        if (rate.zone === zone)
          segments.push({
            maxKg: Math.min(rate.maxKg, offered.maxWeightKg),
            price: rate.price,
            factor: offered.co2KgPerTonneKm,
          });
    }
  }
  const beaten = (s: (typeof segments)[number], i: number) =>
    segments.some(
      (t, j) =>
        j !== i &&
        t.maxKg >= s.maxKg &&
        t.price <= s.price &&
        t.factor <= s.factor &&
        (t.maxKg > s.maxKg || t.price < s.price || t.factor < s.factor || j < i),
    );
  const kept = segments.filter((s, i) => s.maxKg >= 0 && !beaten(s, i));
  return {
    maxKg: Float64Array.from(kept, (s) => s.maxKg),
    price: Float64Array.from(kept, (s) => s.price),
    factor: Float64Array.from(kept, (s) => s.factor),
    heaviestKg: kept.reduce((max, s) => Math.max(max, s.maxKg), Number.NEGATIVE_INFINITY),
    minFactor: kept.reduce((min, s) => Math.min(min, s.factor), Number.POSITIVE_INFINITY),
  };
}

export function parcelTariff(
  carriers: readonly Carrier[],
  service: Service,
  postcode: string | undefined,
  co2PricePerKg: number,
): ParcelTariff {
  const byZone = Object.fromEntries(
    zones.map((zone) => [zone, zoneTariff(carriers, service, postcode, zone)]),
  ) as Record<Zone, ZoneTariff>;
  return { carriers, service, postcode, co2PricePerKg, zones: byZone };
}

export function zoneTariffAt(tariff: ParcelTariff, distanceKm: number): ZoneTariff {
  return tariff.zones[zoneOf(distanceKm)];
}

/** cost(W) above for a parcel of `weightKg` over `distanceKm`; +∞ when no offer takes it. */
export function parcelCost(
  zone: ZoneTariff,
  distanceKm: number,
  co2PricePerKg: number,
  weightKg: number,
): number {
  let best = Number.POSITIVE_INFINITY;
  const { maxKg, price, factor } = zone;
  for (let i = 0; i < maxKg.length; i++) {
    if ((maxKg[i] as number) < weightKg) continue;
    const cost = (price[i] as number) + co2KgOf(factor[i] as number, weightKg, distanceKm) * co2PricePerKg;
    if (cost < best) best = cost;
  }
  return best;
}

/** The least EUR per kg any segment adds (CO2 only: a band's price does not grow within it). */
export function minSlopePerKg(zone: ZoneTariff, distanceKm: number, co2PricePerKg: number): number {
  return zone.minFactor === Number.POSITIVE_INFINITY
    ? 0
    : co2KgOf(zone.minFactor, 1, distanceKm) * co2PricePerKg;
}

/** The offer a planned parcel assumes: the one `parcelCost` priced. */
export function assumedOffer(
  tariff: ParcelTariff,
  weightKg: number,
  distanceKm: number,
): CarrierOffer | undefined {
  return cheapestOffer(
    tariff.carriers,
    { weightKg, distanceKm, postcode: tariff.postcode },
    tariff.service,
    tariff.co2PricePerKg,
  );
}

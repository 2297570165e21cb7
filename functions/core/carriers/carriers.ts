import { createHash } from 'node:crypto';
import type { Service } from '../orders/types.ts';

/** Distance zones of a rate card (DESIGN.md section 6.1): local ≤ 50 km, regional ≤ 300 km, national. */
export const zones = ['local', 'regional', 'national'] as const;
export type Zone = (typeof zones)[number];

export function zoneOf(distanceKm: number): Zone {
  if (distanceKm <= 50) return 'local';
  if (distanceKm <= 300) return 'regional';
  return 'national';
}

/** One line of a rate card: the price of a parcel up to `maxKg` in `zone` (EUR). */
export interface Rate {
  zone: Zone;
  maxKg: number;
  price: number;
}

export interface CarrierService {
  service: Service;
  /** whole carrier days from pickup to delivery: the median, and the day 90 % of parcels make */
  transitDays: { p50: number; p90: number };
  maxWeightKg: number;
  rates: Rate[];
  /** well-to-wheel kg CO2e per tonne-km (ISO 14083 / GLEC style), and where the figure comes from */
  co2KgPerTonneKm: number;
  factorSource: string;
}

export interface Carrier {
  carrierId: string;
  name: string;
  services: CarrierService[];
  /** postcode prefixes served; absent: all of France */
  coverage?: string[] | undefined;
  /** parcels the carrier takes per day from the whole network; absent: unlimited */
  dailyCapacity?: number | undefined;
  /** ISO weekdays (1 Monday … 7 Sunday) it picks up and delivers; absent: Monday to Saturday */
  workingDays?: number[] | undefined;
  /** "HH:MM" Europe/Paris: parcels ready after it leave on the next pickup day; absent: the location's cut-off */
  pickupCutoff?: string | undefined;
}

export const defaultWorkingDays: readonly number[] = [1, 2, 3, 4, 5, 6];

/** A price for one parcel with one carrier and service, with its transit and emissions. */
export interface CarrierOffer {
  carrierId: string;
  service: Service;
  price: number;
  co2Kg: number;
  transitDays: { p50: number; p90: number };
}

export interface Parcel {
  weightKg: number;
  distanceKm: number;
  /** the destination's postcode; absent (a store): every carrier covers it */
  postcode?: string | undefined;
}

export function covers(carrier: Carrier, postcode: string | undefined): boolean {
  return !carrier.coverage || postcode === undefined || carrier.coverage.some((p) => postcode.startsWith(p));
}

/** kg CO2e of carrying `weightKg` over `distanceKm` at a service's factor: the one CO2 model. */
export function co2KgOf(factorKgPerTonneKm: number, weightKg: number, distanceKm: number): number {
  return (weightKg / 1000) * distanceKm * factorKgPerTonneKm;
}

/** The rate card's price for a parcel: the cheapest band of its zone that takes the weight. */
export function priceOf(service: CarrierService, zone: Zone, weightKg: number): number | undefined {
  if (weightKg > service.maxWeightKg) return undefined;
  let best: number | undefined;
  for (const rate of service.rates)
    if (rate.zone === zone && rate.maxKg >= weightKg && (best === undefined || rate.price < best))
      best = rate.price;
  return best;
}

/**
 * Every carrier and service that can take the parcel (weight, rate card, coverage), with its price,
 * transit and emissions; `services` limits which services are asked for. Capacity and the promise
 * are the caller's to check: they depend on the day and on what was promised.
 */
export function carrierOffers(
  carriers: readonly Carrier[],
  parcel: Parcel,
  services?: readonly Service[],
): CarrierOffer[] {
  const zone = zoneOf(parcel.distanceKm);
  const offers: CarrierOffer[] = [];
  for (const carrier of carriers) {
    if (!covers(carrier, parcel.postcode)) continue;
    for (const offered of carrier.services) {
      if (services && !services.includes(offered.service)) continue;
      const price = priceOf(offered, zone, parcel.weightKg);
      if (price === undefined) continue;
      offers.push({
        carrierId: carrier.carrierId,
        service: offered.service,
        price,
        co2Kg: co2KgOf(offered.co2KgPerTonneKm, parcel.weightKg, parcel.distanceKm),
        transitDays: offered.transitDays,
      });
    }
  }
  return offers;
}

const rateCard = (prices: Record<Zone, number[]>, bandsKg: number[]): Rate[] =>
  zones.flatMap((zone) =>
    prices[zone].map((price, i) => ({ zone, maxKg: bandsKg[i] ?? Number.POSITIVE_INFINITY, price })),
  );

const demoFactor = 'demo figure, GLEC Framework v3 / ISO 14083 style, well-to-wheel';

/**
 * The built-in carriers: simulated French carriers with distinct profiles (a national parcel
 * network, an express one, a pickup-point network, a same-day e-cargo bike courier in three city
 * centres and a heavy-goods carrier). A retailer's own `PUT /carriers/{id}` replaces one by id.
 * Prices are round 2025 French figures; CO2e factors are illustrative, not measured.
 */
export const builtInCarriers: readonly Carrier[] = [
  {
    carrierId: 'colis-standard',
    name: 'Colis Standard',
    services: [
      {
        service: 'standard',
        transitDays: { p50: 2, p90: 3 },
        maxWeightKg: 30,
        rates: rateCard(
          {
            local: [4.9, 6.5, 8.9, 13.5],
            regional: [5.6, 7.4, 10.2, 15.9],
            national: [6.4, 8.5, 11.9, 18.5],
          },
          [1, 5, 10, 30],
        ),
        co2KgPerTonneKm: 0.25,
        factorSource: `${demoFactor}: road parcel network, trunk truck and delivery van`,
      },
    ],
  },
  {
    carrierId: 'express-24',
    name: 'Express 24',
    services: [
      {
        service: 'express',
        transitDays: { p50: 1, p90: 1 },
        maxWeightKg: 30,
        rates: rateCard(
          {
            local: [8.9, 11.5, 15.9, 24.0],
            regional: [10.5, 13.9, 18.9, 28.5],
            national: [12.9, 16.9, 22.5, 34.0],
          },
          [1, 5, 10, 30],
        ),
        co2KgPerTonneKm: 0.6,
        factorSource: `${demoFactor}: overnight road express, low load factor`,
      },
    ],
    // the express van calls late: a location's own cut-off (default 14:00) binds first
    pickupCutoff: '19:00',
  },
  {
    carrierId: 'relais-points',
    name: 'Relais Points',
    services: [
      {
        service: 'standard',
        transitDays: { p50: 3, p90: 4 },
        maxWeightKg: 20,
        rates: rateCard(
          { local: [3.9, 4.9, 6.9, 9.9], regional: [4.4, 5.5, 7.6, 10.9], national: [4.9, 6.1, 8.4, 11.9] },
          [1, 5, 10, 20],
        ),
        co2KgPerTonneKm: 0.18,
        factorSource: `${demoFactor}: consolidated trunk to pickup points, no last-mile van`,
      },
    ],
    dailyCapacity: 5000,
  },
  {
    carrierId: 'velo-urbain',
    name: 'Vélo Urbain',
    services: [
      {
        service: 'same_day',
        transitDays: { p50: 0, p90: 0 },
        maxWeightKg: 25,
        rates: rateCard({ local: [7.9, 9.9, 12.9], regional: [], national: [] }, [3, 10, 25]),
        co2KgPerTonneKm: 0.02,
        factorSource: `${demoFactor}: electric cargo bike, French grid electricity`,
      },
    ],
    coverage: ['75', '6900', '3300'],
    dailyCapacity: 400,
    workingDays: [1, 2, 3, 4, 5],
    pickupCutoff: '12:00',
  },
  {
    carrierId: 'fret-lourd',
    name: 'Fret Lourd',
    services: [
      {
        service: 'standard',
        transitDays: { p50: 3, p90: 5 },
        maxWeightKg: 1000,
        rates: rateCard(
          { local: [39, 69, 129], regional: [49, 89, 169], national: [59, 109, 219] },
          [100, 300, 1000],
        ),
        co2KgPerTonneKm: 0.1,
        factorSource: `${demoFactor}: articulated truck, full load`,
      },
    ],
    workingDays: [1, 2, 3, 4, 5],
  },
];

/** Tracking number prefix: the initials of the carrier id's words (CS, RP, FL; EX for express-24). */
export function trackingPrefixOf(carrierId: string): string {
  const words = carrierId
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter(Boolean);
  const initials = words.map((w) => w.charAt(0)).join('');
  return initials.length >= 2 ? initials.slice(0, 4) : (words[0] ?? 'RELAIS').slice(0, 2).padEnd(2, 'X');
}

/** Deterministic per shipment, so that a retried dispatch asks for the same tracking number. */
export function trackingNumberFor(carrier: Pick<Carrier, 'carrierId'>, shipmentId: string): string {
  const digits = BigInt(
    `0x${createHash('sha256').update(`${carrier.carrierId}:${shipmentId}`).digest('hex').slice(0, 15)}`,
  );
  return `${trackingPrefixOf(carrier.carrierId)}${digits.toString().padStart(18, '0').slice(-14)}FR`;
}

/**
 * What an offer costs the retailer: its price plus its emissions at the profile's carbon price.
 * Sourcing, the promise and dispatch rank offers by it, so the three agree on the carrier.
 */
export function offerCost(offer: CarrierOffer, co2PricePerKg: number): number {
  return offer.price + offer.co2Kg * co2PricePerKg;
}

/** Ranks offers: lower cost (price + priced CO2), then lower CO2, then carrier id, then service. */
export function compareOffers(a: CarrierOffer, b: CarrierOffer, co2PricePerKg: number): number {
  return (
    offerCost(a, co2PricePerKg) - offerCost(b, co2PricePerKg) ||
    a.co2Kg - b.co2Kg ||
    a.carrierId.localeCompare(b.carrierId) ||
    a.service.localeCompare(b.service)
  );
}

/** The offer a plan assumes for a parcel of one service: the cheapest (see `compareOffers`), if any. */
export function cheapestOffer(
  carriers: readonly Carrier[],
  parcel: Parcel,
  service: Service,
  co2PricePerKg: number,
): CarrierOffer | undefined {
  let best: CarrierOffer | undefined;
  for (const offer of carrierOffers(carriers, parcel, [service]))
    if (!best || compareOffers(offer, best, co2PricePerKg) < 0) best = offer;
  return best;
}

/** The built-in carriers with the retailer's own in place of those it redefined (by id), ordered by id. */
export function carriersInForce(stored: readonly Carrier[]): Carrier[] {
  const byId = new Map(builtInCarriers.map((c) => [c.carrierId, c]));
  for (const carrier of stored) byId.set(carrier.carrierId, carrier);
  return [...byId.values()].sort((a, b) => a.carrierId.localeCompare(b.carrierId));
}

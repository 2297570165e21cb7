import type { CarrierAlternative, CarrierChoiceRecord, Service } from '../orders/types.ts';
import {
  type CarrierCalendar,
  deliveryDay,
  departureOf,
  type LocationCalendar,
} from '../promise/departure.ts';
import { isoDay } from './calendar.ts';
import {
  type Carrier,
  type CarrierOffer,
  carrierOffers,
  compareOffers,
  offerCost,
  type Parcel,
} from './carriers.ts';

export interface CarrierChoiceInput {
  carriers: readonly Carrier[];
  parcel: Parcel;
  /** the shipping location's calendar */
  from: LocationCalendar;
  now: Date;
  /** the service the customer ordered */
  service: Service;
  /** the date promised at intake; absent: the ordered service's offers all keep it */
  promisedDate?: string | undefined;
  co2PricePerKg: number;
  /** measured share of deliveries on time, by carrier (absent: not measured yet) */
  onTimeRate: ReadonlyMap<string, number>;
  /** parcels each carrier has taken on a day, keyed `carrierId#YYYY-MM-DD` */
  capacityUsed: ReadonlyMap<string, number>;
}

export interface RatedOffer extends CarrierOffer {
  /** the Paris day the carrier takes it */
  departureDay: string;
  /** the day 90 % of its parcels make (p90 transit) */
  deliveryDate: string;
  keepsPromise: boolean;
  hasCapacity: boolean;
}

export interface CarrierChoice {
  chosen: RatedOffer;
  carrier: Carrier;
  /** the promise cannot be kept by any carrier with capacity: the earliest arrival was taken */
  atRisk: boolean;
  record: CarrierChoiceRecord;
}

export const capacityKey = (carrierId: string, day: string) => `${carrierId}#${day}`;

/** Price + priced CO2, then CO2, then the better measured on-time rate, then the offer ranking. */
function compareForDispatch(a: RatedOffer, b: RatedOffer, input: CarrierChoiceInput): number {
  const rate = (o: RatedOffer) => input.onTimeRate.get(o.carrierId) ?? 0;
  return (
    offerCost(a, input.co2PricePerKg) - offerCost(b, input.co2PricePerKg) ||
    a.co2Kg - b.co2Kg ||
    rate(b) - rate(a) ||
    compareOffers(a, b, input.co2PricePerKg)
  );
}

/** Every offer for the parcel, dated from today at its p90 transit, with whether it keeps the promise. */
export function rateOffers(input: CarrierChoiceInput): RatedOffer[] {
  const byId = new Map(input.carriers.map((c) => [c.carrierId, c]));
  return carrierOffers(input.carriers, input.parcel).flatMap((offer) => {
    const carrier = byId.get(offer.carrierId) as Carrier;
    const departure = departureOf(input.now, input.from, carrier as CarrierCalendar);
    if (offer.service === 'same_day' && !departure.sameDay) return [];
    const deliveryDate = isoDay(deliveryDay(departure.day, offer.transitDays.p90, carrier));
    const departureDay = isoDay(departure.day);
    const used = input.capacityUsed.get(capacityKey(offer.carrierId, departureDay)) ?? 0;
    return [
      {
        ...offer,
        departureDay,
        deliveryDate,
        keepsPromise: input.promisedDate
          ? deliveryDate <= input.promisedDate
          : offer.service === input.service,
        hasCapacity: carrier.dailyCapacity === undefined || used < carrier.dailyCapacity,
      },
    ];
  });
}

const alternativeOf = (o: RatedOffer): CarrierAlternative => ({
  carrierId: o.carrierId,
  service: o.service,
  cost: Math.round(o.price * 100) / 100,
  co2Kg: Math.round(o.co2Kg * 1000) / 1000,
  deliveryDate: o.deliveryDate,
});

/**
 * The carrier and service for one parcel at dispatch: the cheapest (price plus CO2 at the
 * profile's price; ties to lower CO2, then the better on-time rate) among those that deliver by
 * the promised date at their p90 transit from today, have capacity on their departure day and
 * cover the address. When none keeps the promise, the earliest-arriving one with capacity, and
 * the promise is at risk. Undefined when no carrier can take the parcel at all.
 */
export function chooseCarrier(input: CarrierChoiceInput): CarrierChoice | undefined {
  const offers = rateOffers(input).sort((a, b) => compareForDispatch(a, b, input));
  const available = offers.filter((o) => o.hasCapacity);
  const keeping = available.filter((o) => o.keepsPromise);
  const earliest = [...available].sort((a, b) => a.deliveryDate.localeCompare(b.deliveryDate))[0];
  const chosen = keeping[0] ?? earliest;
  const carrier = input.carriers.find((c) => c.carrierId === chosen?.carrierId);
  if (!chosen || !carrier) return undefined;
  const atRisk = keeping.length === 0;
  const notes: string[] = [];
  if (!offers.some((o) => o.service === input.service))
    notes.push(`no ${input.service} offer takes a ${input.parcel.weightKg} kg parcel to this address`);
  const full = offers.filter((o) => !o.hasCapacity).map((o) => o.carrierId);
  if (full.length > 0) notes.push(`at capacity on the day: ${[...new Set(full)].join(', ')}`);
  const promised = input.promisedDate ?? `the ${input.service} service`;
  notes.push(
    atRisk
      ? `no carrier with capacity delivers by ${promised}: the earliest arrival (${chosen.deliveryDate}) was taken`
      : `cheapest of ${keeping.length} offer(s) delivering by ${promised} at p90 (${chosen.deliveryDate})`,
  );
  return {
    chosen,
    carrier,
    atRisk,
    record: {
      reason: notes.join('; '),
      alternatives: offers.filter((o) => o !== chosen).map(alternativeOf),
      chosen: alternativeOf(chosen),
    },
  };
}

import { isoDay, parisInstant } from '../carriers/calendar.ts';
import { type Carrier, type CarrierOffer, cheapestOffer, type Parcel } from '../carriers/carriers.ts';
import type { DeliveryMode, Service } from '../orders/types.ts';
import type { PlannedShipment } from '../sourcing/types.ts';
import { type Departure, deliveryDay, departureOf, type LocationCalendar } from './departure.ts';

export interface PromiseOption {
  mode: DeliveryMode;
  service: Service;
  carrierId?: string;
  locationIds: string[];
  earliestDate: string;
  latestDate: string;
  /** ordering before this instant keeps the option's dates */
  cutoffAt: string;
  cost: number;
  co2Kg: number;
}

export interface PromiseInput {
  mode: DeliveryMode;
  shipments: readonly PlannedShipment[];
  at: Date;
  /** the calendar of each shipping location (a missing one has the defaults) */
  locations: ReadonlyMap<string, LocationCalendar>;
  carriers: readonly Carrier[];
  /** the destination's postcode, for carrier coverage */
  postcode?: string | undefined;
  /** the sourcing profile's carbon price, so that the promise ranks offers as the plan does */
  co2PricePerKg: number;
}

/** One parcel of an option: the offer it goes with and its dates. */
export interface PromisedParcel {
  locationId: string;
  offer: CarrierOffer;
  departure: Departure;
  earliest: Date;
  latest: Date;
}

export const homeServices: readonly Service[] = ['standard', 'express', 'same_day'];

const cents = (n: number) => Math.round(n * 100) / 100;
const grams = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The parcels of one service: each with the cheapest offer of that service (the ranking sourcing
 * uses), dated from its location's departure with that carrier; same-day only with a carrier that
 * takes the parcel on the day it is ordered. Undefined when one parcel has no such offer: the
 * service is then not promised at all (an express parcel over the express weight limit is never
 * silently sent by freight).
 */
export function promisedParcels(
  input: PromiseInput,
  service: Service,
  departuresOf = departuresByShipment(input),
): PromisedParcel[] | undefined {
  const parcels: PromisedParcel[] = [];
  for (const [index, shipment] of input.shipments.entries()) {
    const parcel: Parcel = {
      weightKg: shipment.weightKg,
      distanceKm: shipment.distanceKm,
      postcode: input.postcode,
    };
    const departures = departuresOf[index] ?? new Map<string, Departure>();
    const carriers =
      service === 'same_day'
        ? input.carriers.filter((c) => departures.get(c.carrierId)?.sameDay)
        : input.carriers;
    const offer = cheapestOffer(carriers, parcel, service, input.co2PricePerKg);
    const carrier = input.carriers.find((c) => c.carrierId === offer?.carrierId);
    const departure = offer && departures.get(offer.carrierId);
    if (!offer || !carrier || !departure) return undefined;
    parcels.push({
      locationId: shipment.locationId,
      offer,
      departure,
      earliest: deliveryDay(departure.day, offer.transitDays.p50, carrier),
      latest: deliveryDay(departure.day, offer.transitDays.p90, carrier),
    });
  }
  return parcels;
}

/**
 * When each shipment would leave with each carrier: the same for every service. A shipment planned
 * on a later day (its location's slots for today are taken) is prepared from the start of that day.
 */
function departuresByShipment(input: PromiseInput): Map<string, Departure>[] {
  return input.shipments.map((shipment) => {
    const location = input.locations.get(shipment.locationId) ?? {};
    const at = preparedFrom(input.at, shipment.capacityDay);
    return new Map(input.carriers.map((c) => [c.carrierId, departureOf(at, location, c)]));
  });
}

/** The instant preparation can start: now, or the start of the later (Paris) day whose slot it takes. */
function preparedFrom(at: Date, capacityDay: string | undefined): Date {
  if (!capacityDay) return at;
  const dayStart = parisInstant(new Date(`${capacityDay}T00:00:00.000Z`), 0);
  return dayStart > at ? dayStart : at;
}

/** A home option from its parcels: the latest parcel's dates, the earliest cut-off, summed prices. */
function homeOption(input: PromiseInput, service: Service, parcels: PromisedParcel[]): PromiseOption {
  const last = parcels.reduce((a, b) => (b.latest > a.latest ? b : a));
  const earliest = Math.max(...parcels.map((p) => p.earliest.getTime()));
  const cutoffAt = Math.min(...parcels.map((p) => p.departure.cutoffAt.getTime()));
  return {
    mode: input.mode,
    service,
    carrierId: last.offer.carrierId,
    locationIds: input.shipments.map((s) => s.locationId),
    earliestDate: isoDay(new Date(earliest)),
    latestDate: isoDay(last.latest),
    cutoffAt: new Date(cutoffAt).toISOString(),
    cost: cents(parcels.reduce((sum, p) => sum + p.offer.price, 0)),
    co2Kg: grams(parcels.reduce((sum, p) => sum + p.offer.co2Kg, 0)),
  };
}

/**
 * A pickup option: ready at the store when every shipment is there. A shipment from the store
 * itself is ready when the store has prepared it; one from elsewhere travels to the store with
 * the cheapest standard offer. The cost is what sourcing priced for preparing it.
 */
function pickupOption(input: PromiseInput): PromiseOption {
  const travelling = input.shipments.filter((s) => s.distanceKm > 0);
  const carried = promisedParcels({ ...input, shipments: travelling, postcode: undefined }, 'standard') ?? [];
  const ready = input.shipments.map((s) => {
    const parcel = carried.find((p) => p.locationId === s.locationId);
    const departure =
      parcel?.departure ??
      departureOf(preparedFrom(input.at, s.capacityDay), input.locations.get(s.locationId) ?? {});
    return { day: parcel?.latest ?? departure.day, cutoffAt: departure.cutoffAt };
  });
  const day = ready.reduce((a, b) => (b.day > a.day ? b : a)).day;
  const cutoffAt = ready.reduce((a, b) => (b.cutoffAt < a.cutoffAt ? b : a)).cutoffAt;
  return {
    mode: input.mode,
    service: 'standard',
    locationIds: input.shipments.map((s) => s.locationId),
    earliestDate: isoDay(day),
    latestDate: isoDay(day),
    cutoffAt: cutoffAt.toISOString(),
    cost: cents(input.shipments.reduce((sum, s) => sum + s.cost, 0)),
    co2Kg: grams(carried.reduce((sum, p) => sum + p.offer.co2Kg, 0)),
  };
}

/**
 * Delivery options for a sourced plan: for home delivery one per service some carrier can carry
 * every parcel with (same-day only where a carrier covers the address and takes the parcel
 * today), for click & collect and e-reservation the day it is ready at the store.
 */
export function promiseOptions(input: PromiseInput): PromiseOption[] {
  if (input.shipments.length === 0) return [];
  if (input.mode !== 'home') return [pickupOption(input)];
  const departures = departuresByShipment(input);
  return homeServices.flatMap((service) => {
    const parcels = promisedParcels(input, service, departures);
    return parcels ? [homeOption(input, service, parcels)] : [];
  });
}

/**
 * The promise an order keeps: the option of the service it asked for (standard by default), or,
 * when that service cannot be promised, the option that arrives first (its `service` says which).
 */
export function chosenPromise(
  options: readonly PromiseOption[],
  service: Service | undefined,
): PromiseOption | undefined {
  const wanted = options.find((o) => o.service === (service ?? 'standard'));
  if (wanted) return wanted;
  return [...options].sort((a, b) => a.latestDate.localeCompare(b.latestDate))[0];
}

import {
  addWorkingDays,
  isoDay,
  isWorkingDay,
  minutesOf,
  nextWorkingDay,
  parisDay,
  parisInstant,
} from '../carriers/calendar.ts';
import { type Carrier, defaultWorkingDays } from '../carriers/carriers.ts';
import type { Location } from '../network.ts';

/** What a location's calendar needs: its cut-off, preparation lead time and opening days. */
export type LocationCalendar = Pick<Location, 'cutoffTime' | 'preparationDays' | 'openingDays'>;
export type CarrierCalendar = Pick<Carrier, 'workingDays' | 'pickupCutoff'>;

export const defaultCutoffTime = '14:00';
export const defaultOpeningDays: readonly number[] = [1, 2, 3, 4, 5, 6];

export interface Departure {
  /** the Paris day the order is taken into preparation */
  startDay: Date;
  /** the Paris day the carrier takes the parcel */
  day: Date;
  /** ordering before this instant keeps `day` */
  cutoffAt: Date;
  /** whether the parcel leaves on the day it was ordered */
  sameDay: boolean;
}

/**
 * When a parcel ordered at `at` leaves a location with a carrier (without a carrier: when it is
 * ready at the location). The order cut-off is the location's (default 14:00 Paris), tightened by
 * the carrier's pickup cut-off; an order after it, or on a day the location is closed, is
 * prepared from the next opening day; preparation takes `preparationDays` opening days; the
 * parcel leaves on the first day from then that the location is open and the carrier works.
 * Nobody works on a French public holiday.
 */
export function departureOf(at: Date, location: LocationCalendar, carrier?: CarrierCalendar): Departure {
  const openingDays = location.openingDays ?? defaultOpeningDays;
  const cutoff = Math.min(
    minutesOf(location.cutoffTime ?? defaultCutoffTime),
    carrier?.pickupCutoff ? minutesOf(carrier.pickupCutoff) : Number.POSITIVE_INFINITY,
  );
  const { day: orderDay, minutes } = parisDay(at);
  const startDay =
    minutes < cutoff && isWorkingDay(orderDay, openingDays)
      ? orderDay
      : nextWorkingDay(dayAfter(orderDay), openingDays);
  const preparation = location.preparationDays ?? 0;
  const ready = addWorkingDays(startDay, preparation, openingDays);
  const carrierDays = carrier?.workingDays ?? defaultWorkingDays;
  const both = openingDays.filter((d) => carrierDays.includes(d));
  const day = carrier ? nextWorkingDay(ready, both) : ready;
  // without preparation, any order before the departure day's cut-off still leaves that day
  const cutoffAt = parisInstant(preparation === 0 ? day : startDay, cutoff);
  return { startDay, day, cutoffAt, sameDay: isoDay(day) === isoDay(orderDay) };
}

/** The day a parcel that leaves on `departureDay` is delivered after `transitDays` carrier days. */
export function deliveryDay(departureDay: Date, transitDays: number, carrier: CarrierCalendar): Date {
  return addWorkingDays(departureDay, transitDays, carrier.workingDays ?? defaultWorkingDays);
}

function dayAfter(day: Date): Date {
  const next = new Date(day);
  next.setUTCDate(next.getUTCDate() + 1);
  return next;
}

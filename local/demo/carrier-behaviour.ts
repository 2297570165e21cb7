/**
 * How the demo's simulated carriers behave, as a pure function of a carrier's transit profile and
 * a random source: the tracking events a parcel gets, each on a carrier working day counted from
 * the day the carrier took it. The autopilot plays them out in compressed real time against the
 * local cloud; the delivery benchmark plays them out in simulated days. One behaviour, two clocks.
 */
import type { Random } from './random.ts';

/** Share of delivery attempts the recipient misses (reason `recipient_absent`). */
export const FAILED_ATTEMPT_RATE = 0.04;
/** Share of parcels a carrier loses in transit. */
export const LOST_RATE = 0.003;
/** Share of parcels that take one day more than the carrier's p90 transit. */
export const LATE_RATE = 0.05;
/** Failed attempts after which a simulated carrier stops trying (Relais handles the third). */
export const MAX_DELIVERY_ATTEMPTS = 3;

export interface CarrierRates {
  failedAttemptRate: number;
  lostRate: number;
  lateRate: number;
}

export const defaultCarrierRates: CarrierRates = {
  failedAttemptRate: FAILED_ATTEMPT_RATE,
  lostRate: LOST_RATE,
  lateRate: LATE_RATE,
};

/** A service's transit times in carrier working days (p90 ≥ p50). */
export interface TransitProfile {
  p50: number;
  p90: number;
}

/** One tracking event the carrier reports, `day` carrier working days after it took the parcel. */
export interface CarrierReport {
  status: 'PICKED_UP' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'DELIVERY_FAILED' | 'LOST';
  reason?: 'recipient_absent' | 'lost';
  day: number;
  /** the delivery attempt this event belongs to (1 for the first), on the last-mile events */
  attempt?: number;
}

/** Transit days of one parcel: drawn between p50 and p90 alike, and now and then one more than that. */
export function transitDaysOf(profile: TransitProfile, random: Random, lateRate = LATE_RATE): number {
  const days = profile.p50 + Math.floor(random() * (profile.p90 - profile.p50 + 1));
  return random() < lateRate ? days + 1 : days;
}

/**
 * A parcel's journey: picked up and in transit on the day it is taken, out for delivery once its
 * transit days are over; the recipient is absent now and then and the carrier tries again the next
 * working day, at most MAX_DELIVERY_ATTEMPTS times; rarely the parcel is lost in transit instead.
 */
export function carrierJourney(
  profile: TransitProfile,
  random: Random,
  rates: CarrierRates = defaultCarrierRates,
): CarrierReport[] {
  const transit = transitDaysOf(profile, random, rates.lateRate);
  const reports: CarrierReport[] = [
    { status: 'PICKED_UP', day: 0 },
    { status: 'IN_TRANSIT', day: 0 },
  ];
  if (random() < rates.lostRate) return [...reports, { status: 'LOST', reason: 'lost', day: transit }];
  for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
    const day = transit + attempt - 1;
    reports.push({ status: 'OUT_FOR_DELIVERY', day, attempt });
    if (random() >= rates.failedAttemptRate) {
      reports.push({ status: 'DELIVERED', day, attempt });
      return reports;
    }
    reports.push({ status: 'DELIVERY_FAILED', reason: 'recipient_absent', day, attempt });
  }
  return reports;
}

import { addCarrierDays, departureDay, isoDay } from '../carriers/calendar.ts';
/**
 * Daily capacity: how many shipments a location can prepare in one calendar day. Each shipment
 * allocated to a location on a day uses one unit of that day's capacity; a location without a
 * `dailyCapacity` has no daily limit.
 */

/** A calendar day written `YYYY-MM-DD` that exists (no 2030-02-30). */
export function isCalendarDay(day: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return false;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const parsed = new Date(Date.UTC(year, month - 1, date));
  return (
    parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === date
  );
}

export function requireCalendarDay(day: string): string {
  if (!isCalendarDay(day)) throw new RangeError(`day must be a calendar day written YYYY-MM-DD, not ${day}`);
  return day;
}

/** Shipments a location can still take that day; undefined when it has no daily limit. */
export function capacityRemaining(dailyCapacity: number | undefined, used: number): number | undefined {
  if (dailyCapacity === undefined) return undefined;
  return Math.max(0, dailyCapacity - Math.max(0, used));
}

/**
 * The day whose preparation capacity an order placed at `at` uses: the Paris day its parcel leaves
 * (after the 14:00 cut-off, or on a Sunday or a public holiday, that is the next carrier day).
 */
export function capacityDay(at: Date): string {
  return isoDay(departureDay(at));
}

/**
 * How many carrier days after today a location whose slots for today are taken is looked at for a
 * free one: past this horizon it is left out of the order, as a full location was before.
 */
export const laterCapacityHorizonDays = 5;

/** The carrier days after `day` (YYYY-MM-DD) that a full location may ship on, nearest first. */
export function laterCapacityDays(day: string, horizon = laterCapacityHorizonDays): string[] {
  const from = new Date(`${requireCalendarDay(day)}T00:00:00.000Z`);
  return Array.from({ length: horizon }, (_, k) => isoDay(addCarrierDays(from, k + 1)));
}

/** One preparation slot: a shipment prepared by a location on a calendar day. */
export interface CapacitySlot {
  locationId: string;
  day: string;
}

/** A slot to take, refused once the location has taken `dailyCapacity` shipments that day. */
export interface CapacityClaim extends CapacitySlot {
  dailyCapacity: number;
}

/**
 * Marks each shipment at a location that limits its daily capacity with the day whose slot it
 * takes (`day`, or the later day sourcing planned it on when that location's slots for today were
 * taken), and lists the claims that must commit with it.
 */
export function claimSlots<S extends { locationId: string; capacityDay?: string | undefined }>(
  shipments: S[],
  dailyCapacityOf: (locationId: string) => number | undefined,
  day: string,
): { shipments: S[]; claims: CapacityClaim[] } {
  requireCalendarDay(day);
  const claims: CapacityClaim[] = [];
  const marked = shipments.map((shipment) => {
    const dailyCapacity = dailyCapacityOf(shipment.locationId);
    if (dailyCapacity === undefined) return shipment;
    const slotDay = shipment.capacityDay ? requireCalendarDay(shipment.capacityDay) : day;
    claims.push({ locationId: shipment.locationId, day: slotDay, dailyCapacity });
    return { ...shipment, capacityDay: slotDay };
  });
  return { shipments: marked, claims };
}

/** The slots held by shipments that will not be prepared after all (cancelled, rejected, re-sourced). */
export function slotsHeldBy(
  shipments: readonly { locationId: string; capacityDay?: string | undefined }[],
): CapacitySlot[] {
  return shipments.flatMap((s) => (s.capacityDay ? [{ locationId: s.locationId, day: s.capacityDay }] : []));
}

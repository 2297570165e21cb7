import { departureDay, isoDay } from '../carriers/calendar.ts';
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

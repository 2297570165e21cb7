import Holidays from 'date-holidays';

/**
 * The carriers' calendar: they work Monday to Saturday and never on French public holidays.
 * Days are calendar days in Europe/Paris, carried as dates at UTC midnight (so that adding days
 * never crosses a daylight-saving change).
 */
const frenchHolidays = new Holidays('FR');

/** The last Sunday of a month, 01:00 UTC: when European summer time starts (March) and ends (October). */
function lastSundayAt1Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/**
 * Paris's offset from UTC at an instant, in ms: UTC+2 in summer time, UTC+1 otherwise (the EU
 * rule since 1996). Computed rather than asked of Intl, which is far too slow for the promise.
 */
export function parisOffsetMs(at: Date): number {
  const t = at.getTime();
  const year = at.getUTCFullYear();
  const summer = t >= lastSundayAt1Utc(year, 2) && t < lastSundayAt1Utc(year, 9);
  return (summer ? 2 : 1) * 3_600_000;
}

/** The Paris calendar day of an instant (at UTC midnight) and the Paris time of day in minutes. */
export function parisDay(at: Date): { day: Date; minutes: number } {
  const local = at.getTime() + parisOffsetMs(at);
  const dayMs = Math.floor(local / 86_400_000) * 86_400_000;
  return { day: new Date(dayMs), minutes: Math.floor((local - dayMs) / 60_000) };
}

const holidaysByYear = new Map<number, ReadonlySet<number>>();

/** French public holidays of a year, as UTC-midnight times (computed once per year: the library is slow). */
function publicHolidays(year: number): ReadonlySet<number> {
  let days = holidaysByYear.get(year);
  if (!days) {
    days = new Set(
      frenchHolidays
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => Date.parse(`${h.date.slice(0, 10)}T00:00:00.000Z`)),
    );
    holidaysByYear.set(year, days);
  }
  return days;
}

export function isPublicHoliday(day: Date): boolean {
  return publicHolidays(day.getUTCFullYear()).has(day.getTime());
}

export function isCarrierDay(day: Date): boolean {
  return day.getUTCDay() !== 0 && !isPublicHoliday(day);
}

/** The carrier day `days` carrier days after `from` (a Paris calendar day). */
export function addCarrierDays(from: Date, days: number): Date {
  const date = new Date(from);
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    if (isCarrierDay(date)) left--;
  }
  return date;
}

/** The first carrier day on or after `day`. */
export function nextCarrierDay(day: Date): Date {
  return isCarrierDay(day) ? new Date(day) : addCarrierDays(day, 1);
}

/** The day a parcel prepared at `at` leaves: today before the cut-off on a carrier day, else the next carrier day. */
export function departureDay(at: Date, cutoff = '14:00'): Date {
  const { day, minutes } = parisDay(at);
  const [h, m] = cutoff.split(':').map(Number);
  const cutoffMinutes = (h ?? 14) * 60 + (m ?? 0);
  return minutes < cutoffMinutes && isCarrierDay(day) ? day : addCarrierDays(day, 1);
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** ISO weekday of a Paris calendar day: 1 Monday … 7 Sunday. */
export function isoWeekday(day: Date): number {
  return day.getUTCDay() === 0 ? 7 : day.getUTCDay();
}

/** A day someone works who works on `weekdays` (ISO) and never on a French public holiday. */
export function isWorkingDay(day: Date, weekdays: readonly number[]): boolean {
  return weekdays.includes(isoWeekday(day)) && !isPublicHoliday(day);
}

/** The first working day on or after `day`; an empty week never works, so the search is bounded. */
export function nextWorkingDay(day: Date, weekdays: readonly number[]): Date {
  const date = new Date(day);
  for (let i = 0; i < 366 && !isWorkingDay(date, weekdays); i++) date.setUTCDate(date.getUTCDate() + 1);
  return date;
}

/** The working day `days` working days after `from` (`from` itself for 0). */
export function addWorkingDays(from: Date, days: number, weekdays: readonly number[]): Date {
  let date = new Date(from);
  for (let left = days; left > 0; left--) {
    date.setUTCDate(date.getUTCDate() + 1);
    date = nextWorkingDay(date, weekdays);
  }
  return date;
}

/** Minutes after midnight of an "HH:MM" time of day. */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The instant at which Paris clocks show `minutes` after midnight on `day` (a Paris calendar day). */
export function parisInstant(day: Date, minutes: number): Date {
  const wall = day.getTime() + minutes * 60_000;
  // the offset at that moment: try winter time first, keep it if Paris agrees it is that wall time
  const winter = new Date(wall - 3_600_000);
  return parisOffsetMs(winter) === 3_600_000 ? winter : new Date(wall - 2 * 3_600_000);
}

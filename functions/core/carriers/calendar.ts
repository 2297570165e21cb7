import Holidays from 'date-holidays';

/**
 * The carriers' calendar: they work Monday to Saturday and never on French public holidays.
 * Days are calendar days in Europe/Paris, carried as dates at UTC midnight (so that adding days
 * never crosses a daylight-saving change).
 */
const timeZone = 'Europe/Paris';
const frenchHolidays = new Holidays('FR');

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The Paris calendar day of an instant (at UTC midnight) and the Paris time of day in minutes. */
export function parisDay(at: Date): { day: Date; minutes: number } {
  const parts = Object.fromEntries(parisParts.formatToParts(at).map((p) => [p.type, p.value]));
  const day = new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)));
  return { day, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const holidaysByYear = new Map<number, ReadonlySet<string>>();

/** French public holidays of a year, as ISO days (computed once per year: the library is slow). */
function publicHolidays(year: number): ReadonlySet<string> {
  let days = holidaysByYear.get(year);
  if (!days) {
    days = new Set(
      frenchHolidays
        .getHolidays(year)
        .filter((h) => h.type === 'public')
        .map((h) => h.date.slice(0, 10)),
    );
    holidaysByYear.set(year, days);
  }
  return days;
}

export function isPublicHoliday(day: Date): boolean {
  return publicHolidays(day.getUTCFullYear()).has(isoDay(day));
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
  const guess = new Date(day.getTime() + minutes * 60_000);
  // Paris is UTC+1 or UTC+2: correct the guess by the offset Paris clocks show at that moment
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(guess.getTime() - offsetHours * 3_600_000);
    const seen = parisDay(candidate);
    if (seen.day.getTime() === day.getTime() && seen.minutes === minutes) return candidate;
  }
  return new Date(guess.getTime() - 3_600_000);
}

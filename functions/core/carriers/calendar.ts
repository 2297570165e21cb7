/**
 * Working days of the built-in carriers: Monday to Saturday. Public holidays and cut-off times come
 * with the promise issue; until then the skeleton counts carrier days only.
 */
export function addCarrierDays(from: Date, days: number): Date {
  const date = new Date(from);
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    if (date.getUTCDay() !== 0) left--;
  }
  return date;
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

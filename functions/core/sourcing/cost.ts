/** Money in EUR is shown to the cent. */
export function roundEur(value: number): number {
  return Math.round(value * 100) / 100;
}

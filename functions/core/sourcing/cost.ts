/** The first cost model, in EUR. The sourcing issue replaces it with weighted, versioned profiles. */
export const costModel = {
  perParcel: 4.5,
  perKgKm: 0.0012,
  perKm: 0.004,
  defaultHandling: 1.2,
} as const;

export function shippingCost(distanceKm: number, weightKg: number): number {
  return distanceKm * (costModel.perKm + costModel.perKgKm * weightKg);
}

export function roundEur(value: number): number {
  return Math.round(value * 100) / 100;
}

import type { Product } from '../network.ts';
import type { LineGroup } from '../orders/lines.ts';
import type { Candidate, Demand, Screening } from './candidates.ts';
import { kgOf, minSlopePerKg, parcelCost } from './parcel-cost.ts';
import type { SourcingProfile } from './profile.ts';
import type { SourcingRequest } from './types.ts';

/**
 * The sourcing objective in EUR, split the way the explanation shows it. A shipment from location l
 * is one parcel of weight W (the sum of its units' weights); it costs
 *
 *   parcel(l, W) = the cheapest carrier offer of the order's service for W from l to the address,
 *                  rate-card price + CO2 priced (parcel-cost.ts; 0 for a pickup at the store itself)
 *   fixed(l)     = handling(l) + performancePenalty·(1 − performance(l))
 *                  + priorityPenaltyPerRank·(priority(l) − 1) + splitPenalty
 *                  + lateDayPenalty·daysLate(l)   (days l ships late: its slots for today are taken)
 *   unit(l, s)   = − destockingBonusPerUnit·[s is end of series, or l holds ≥ surplusUnits of s]
 *                  − storageCostPerUnitDay(l)·storageDays
 *
 * and a plan costs Σ (fixed + parcel(W)) + Σ unit − splitPenalty: the split penalty is charged once
 * per shipment and handed back once, so a plan of k shipments pays it k − 1 times. A plain line
 * split across locations (profile `splitLines`) is a part of its units in each of their parcels:
 * every extra parcel pays its fixed terms, split penalty included, and its own parcel price. parcel(l, ·) is
 * a non-decreasing step-plus-linear function of W (the HiGHS oracle in tools/highs-sourcing.ts
 * models it with one binary per rate band and builds the same sums on its own).
 */

/** A location's place in the ranking when it has none: the middle of 1 (best) … 10. */
export const defaultPriority = 5;
/** A location's pick reliability when none was measured: no penalty. */
export const defaultPerformance = 1;

export interface FixedTerms {
  handling: number;
  performance: number;
  priority: number;
  lateDays: number;
}

export interface UnitTerms {
  destockingBonus: number;
  storageSaving: number;
}

/** The sum of `fixedTerms`, split penalty included, without building them. */
export function fixedCost(candidate: Candidate, profile: SourcingProfile): number {
  const { location } = candidate;
  const { costs } = profile;
  return (
    (location.handlingCost ?? costs.defaultHandling) +
    costs.performancePenalty * (1 - (location.performance ?? defaultPerformance)) +
    costs.priorityPenaltyPerRank * ((location.priority ?? defaultPriority) - 1) +
    costs.splitPenalty +
    (costs.lateDayPenalty ?? 0) * (candidate.later?.daysLate ?? 0)
  );
}

export function fixedTerms(candidate: Candidate, profile: SourcingProfile): FixedTerms {
  const { location } = candidate;
  const { costs } = profile;
  return {
    handling: location.handlingCost ?? costs.defaultHandling,
    performance: costs.performancePenalty * (1 - (location.performance ?? defaultPerformance)),
    priority: costs.priorityPenaltyPerRank * ((location.priority ?? defaultPriority) - 1),
    lateDays: (costs.lateDayPenalty ?? 0) * (candidate.later?.daysLate ?? 0),
  };
}

function destocks(product: Product | undefined, availableHere: number, profile: SourcingProfile): boolean {
  const { surplusUnits } = profile.costs;
  return !!product?.endOfSeries || (surplusUnits !== undefined && availableHere >= surplusUnits);
}

/** Per unit of `product` shipped from the candidate, which holds `availableHere` of it; credits are negative. */
export function unitTerms(
  candidate: Candidate,
  product: Product | undefined,
  availableHere: number,
  profile: SourcingProfile,
): UnitTerms {
  const { costs } = profile;
  return {
    destockingBonus: destocks(product, availableHere, profile) ? -costs.destockingBonusPerUnit : 0,
    storageSaving: -(candidate.location.storageCostPerUnitDay ?? 0) * costs.storageDays,
  };
}

/** The sum of `unitTerms` in EUR, without building them: the search reads millions of these. */
export function unitCost(
  candidate: Candidate,
  product: Product | undefined,
  availableHere: number,
  profile: SourcingProfile,
): number {
  const { costs } = profile;
  return (
    (destocks(product, availableHere, profile) ? -costs.destockingBonusPerUnit : 0) +
    -(candidate.location.storageCostPerUnitDay ?? 0) * costs.storageDays
  );
}

/** parcel(l, W) above for a parcel of `weightMg` from the candidate; +∞ when no carrier offer takes it. */
export function candidateParcelCost(
  candidate: Candidate,
  profile: SourcingProfile,
  weightMg: number,
): number {
  if (!candidate.tariff) return 0;
  return parcelCost(candidate.tariff, candidate.distanceKm, profile.costs.co2PricePerKg, kgOf(weightMg));
}

/**
 * The order as numbers: candidates × SKUs and groups × candidates matrices in typed arrays, which
 * is all the search reads. Candidate c is `candidates[c]` (sorted by id); SKU s is `skus[s]`.
 */
export interface SourcingModel extends Demand {
  candidates: Candidate[];
  groups: LineGroup[];
  /** fixed(c), split penalty included */
  fixed: Float64Array;
  /** weight of group g, whole mg */
  groupMg: Float64Array;
  /** parcel(c, W) for a parcel of W mg: +∞ when no offer takes it */
  parcelCost: (c: number, weightMg: number) => number;
  /** the heaviest parcel candidate c can send, kg (compare `kgOf(mg)`: parcelCost is finite exactly up to it); +∞ for a pickup */
  heaviestKg: Float64Array;
  /** EUR that each mg added to a parcel from c adds at least (see parcel-cost.ts) */
  minSlope: Float64Array;
  /** [c * skus + s]: available units */
  available: Float64Array;
  /** [g * candidates + c]: Σ unit costs of group g at c (no parcel cost); +∞ where c cannot ship g alone */
  groupCost: Float64Array;
  priority: Float64Array;
  /** added to every plan: − splitPenalty (see above) */
  constant: number;
  /** [g]: 1 when group g is a plain line whose units may leave from several locations */
  splittable: Uint8Array;
  /** [g * candidates + c]: Σ unit costs of ONE unit of splittable group g at c; +∞ where c holds none of it */
  pieceCost: Float64Array;
  /** [g]: weight of one unit of a splittable group, whole mg */
  unitMg: Float64Array;
}

export function buildModel(
  request: SourcingRequest,
  profile: SourcingProfile,
  screening: Screening,
): SourcingModel {
  const { candidates, serves, servesPart, splittable, available, demand, groupMg } = screening;
  const { skus, groupSkus, groupQty } = demand;
  const n = candidates.length;
  const skuCount = skus.length;
  const products = skus.map((sku) => request.products.get(sku));

  const fixed = new Float64Array(n);
  const priority = new Float64Array(n);
  const heaviestKg = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const minSlope = new Float64Array(n);
  const { co2PricePerKg } = profile.costs;
  const unit = new Float64Array(n * skuCount);
  for (let c = 0; c < n; c++) {
    const candidate = candidates[c] as Candidate;
    fixed[c] = fixedCost(candidate, profile);
    priority[c] = candidate.location.priority ?? defaultPriority;
    if (candidate.tariff) {
      heaviestKg[c] = candidate.tariff.heaviestKg;
      minSlope[c] = kgOf(minSlopePerKg(candidate.tariff, candidate.distanceKm, co2PricePerKg));
    }
    for (let s = 0; s < skuCount; s++)
      unit[c * skuCount + s] = unitCost(
        candidate,
        products[s],
        available[c * skuCount + s] as number,
        profile,
      );
  }

  const groupCost = new Float64Array(request.groups.length * n).fill(Number.POSITIVE_INFINITY);
  for (let g = 0; g < request.groups.length; g++) {
    const skusOfGroup = groupSkus[g] as Int32Array;
    const qty = groupQty[g] as Float64Array;
    for (let c = 0; c < n; c++) {
      if (!serves[g * n + c]) continue;
      let cost = 0;
      for (let k = 0; k < skusOfGroup.length; k++)
        cost += (qty[k] as number) * (unit[c * skuCount + (skusOfGroup[k] as number)] as number);
      groupCost[g * n + c] = cost;
    }
  }
  const pieceCost = new Float64Array(request.groups.length * n).fill(Number.POSITIVE_INFINITY);
  const unitMg = new Float64Array(request.groups.length);
  for (let g = 0; g < request.groups.length; g++) {
    if (!splittable[g]) continue;
    const s = (groupSkus[g] as Int32Array)[0] as number;
    unitMg[g] = (groupMg[g] as number) / ((groupQty[g] as Float64Array)[0] as number);
    for (let c = 0; c < n; c++)
      if (servesPart[g * n + c]) pieceCost[g * n + c] = unit[c * skuCount + s] as number;
  }
  return {
    splittable,
    pieceCost,
    unitMg,
    candidates,
    groups: request.groups,
    skus,
    groupSkus,
    groupQty,
    fixed,
    groupMg,
    parcelCost: (c, weightMg) => candidateParcelCost(candidates[c] as Candidate, profile, weightMg),
    heaviestKg,
    minSlope,
    available,
    groupCost,
    priority,
    constant: -profile.costs.splitPenalty,
  };
}

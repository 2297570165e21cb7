/**
 * The one place the benchmark names the sourcing it measures, the oracle it checks it against and
 * the cost model both are priced with (switching the optimizer is a change here, nowhere else).
 */
import { cheapestOffer, offerCost } from '../../functions/core/carriers/carriers.ts';
import { distanceKm } from '../../functions/core/network.ts';
import { roundEur } from '../../functions/core/sourcing/cost.ts';
import { fixedCost, unitCost } from '../../functions/core/sourcing/model.ts';
import { sourceOptimal } from '../../functions/core/sourcing/optimal.ts';
import { kgOf, milligrams } from '../../functions/core/sourcing/parcel-cost.ts';
import { defaultProfile } from '../../functions/core/sourcing/profile.ts';
import type { SourcingRequest, SourcingResult } from '../../functions/core/sourcing/types.ts';
import { solveWithHighs } from '../../tools/highs-sourcing.ts';
import type { BaselineShipment } from './baselines.ts';

export const profile = defaultProfile;
export const optimizerName = 'sourceOptimal (functions/core/sourcing/optimal.ts, exact branch and bound)';
export const profileName = `${profile.id} v${profile.version}`;

export function sourceOurs(request: SourcingRequest): SourcingResult {
  return sourceOptimal(request, profile);
}

/** HiGHS's optimum for the request (not rounded), or no cost when no plan exists. */
export async function solveOracle(request: SourcingRequest): Promise<{ cost?: number }> {
  const solution = await solveWithHighs(request, profile);
  return solution.feasible ? { cost: solution.cost } : {};
}

/**
 * A plan's cost under the optimizer's own objective (functions/core/sourcing/model.ts): Σ fixed(l)
 * + the cheapest carrier offer's cost for its parcel over the shipments (split penalty included)
 * + Σ unit(l, s) over every unit shipped − one split penalty, so that k shipments pay it k − 1
 * times. Undefined when no carrier offer takes one of its parcels: the plan cannot ship.
 */
export function priceShipments(
  request: SourcingRequest,
  shipments: readonly BaselineShipment[],
): number | undefined {
  let total = shipments.length > 0 ? -profile.costs.splitPenalty : 0;
  for (const shipment of shipments) {
    const location = request.locations.find((l) => l.locationId === shipment.locationId);
    if (!location) throw new Error(`no location ${shipment.locationId} in the request`);
    const candidate = {
      location,
      distanceKm: request.destination ? distanceKm(location, request.destination) : 0,
    };
    total += fixedCost(candidate, profile);
    let weightMg = 0;
    for (const line of shipment.lines) {
      const availableHere = Math.max(0, request.available.get(location.locationId)?.get(line.sku) ?? 0);
      const product = request.products.get(line.sku);
      total += unitCost(candidate, product, availableHere, profile) * line.quantity;
      weightMg += milligrams(product?.weightKg) * line.quantity;
    }
    if (request.mode !== 'home') continue;
    const offer = cheapestOffer(
      request.carriers,
      { weightKg: kgOf(weightMg), distanceKm: candidate.distanceKm, postcode: request.postcode },
      request.service ?? 'standard',
      profile.costs.co2PricePerKg,
    );
    if (!offer) return undefined;
    total += offerCost(offer, profile.costs.co2PricePerKg);
  }
  return roundEur(total);
}

/** Rules of the profile the baselines obey as well (location-wide; kits whole is built in). */
export const baselineRules: { maxDistanceKm?: number | undefined; maxShipments: number } = {
  maxDistanceKm: profile.maxDistanceKm,
  maxShipments: profile.maxShipments,
};

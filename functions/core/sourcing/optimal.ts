/**
 * Optimal sourcing: the cheapest plan under the rules, found by an exact search and explained.
 *
 * Model decisions (tools/highs-sourcing.ts builds the same model as a MIP):
 * - A kit ships whole from one location (its components together). A plain order line does too
 *   unless the profile lets lines split (`splitLines`, on by default): its units may then leave
 *   from several locations, each part in that location's parcel, each extra parcel paying its
 *   fixed terms, split penalty and carrier price like any other shipment. The order then carries
 *   one shipment per location, so one SKU may sit in two shipments, each reserving its part; the
 *   explanation says which lines were split and why (no plan ships them whole, or what it saves).
 * - Every used location is one shipment, one parcel: a fixed cost, a cost per unit, and the
 *   carrier offer its weight calls for (see model.ts). A location no offer takes the parcel from
 *   cannot ship it.
 *   Groups shipped from one location share its available units per SKU.
 * - At most `profile.maxShipments` shipments. Daily capacity is a rule: an order takes one
 *   shipment of a location's remaining capacity, so a location with none left is excluded.
 * - `nextBest` is the cheapest plan, under the same rules and constraints, whose SET of shipping
 *   locations differs from the chosen plan's: the next routing a planner could have picked. A plan
 *   that only moves a line between the chosen locations is not one. Absent when none exists.
 */
import { type LineGroup, mergeStockLines } from '../orders/lines.ts';
import { type Candidate, screenLocations } from './candidates.ts';
import { roundEur } from './cost.ts';
import { buildModel, fixedTerms, type SourcingModel, unitTerms } from './model.ts';
import { assumedOffer, kgOf, milligrams, type ParcelTariff } from './parcel-cost.ts';
import { defaultProfile, type SourcingProfile } from './profile.ts';
import { type Plan, searchPlans } from './search.ts';
import type { PlannedShipment, SourcingExplanation, SourcingRequest } from './types.ts';

/** EUR; credits (destocking bonus, storage saving) are negative, and the terms sum to `total`. */
export interface SourcingCostTerms {
  /** Σ the rate-card prices of the carrier offers the parcels assume */
  carrierPrice: number;
  /** Σ their CO2e priced at the profile's `co2PricePerKg` */
  co2: number;
  handling: number;
  splitPenalty: number;
  performance: number;
  priority: number;
  /** lateDayPenalty × the days a shipment leaves late, its location's slots for today being taken */
  lateDays: number;
  destockingBonus: number;
  storageSaving: number;
  total: number;
}

export interface NextBestPlan {
  cost: number;
  /** cost − chosen cost, ≥ 0 */
  gap: number;
  /** gap as a percentage of the chosen cost's magnitude; null when that cost is 0 */
  gapPct: number | null;
  shipments: number;
  locationIds: string[];
}

export interface OptimalExplanation extends SourcingExplanation {
  strategy: 'exact-branch-and-bound';
  profile: { id: string; version: number };
  costTerms: SourcingCostTerms;
  /**
   * where each line group (an order line, or a kit with its components) ships from, in line order;
   * a split line names its largest part's location and lists every part
   */
  assignment: { orderSku: string; locationId: string; parts?: LinePart[] }[];
  /** the lines whose units leave from several locations, and why; absent when none is split */
  splits?: LineSplit[];
  /** shipments that leave on a later day because their location's slots for today are taken */
  laterDays?: { locationId: string; day: string; daysLate: number; reason: string }[];
  co2Kg: number;
  nextBest: NextBestPlan | null;
  nodesExplored: number;
  /** false only when the work limit stopped the search before it proved the plan optimal */
  provenOptimal: boolean;
}

export interface LinePart {
  locationId: string;
  quantity: number;
}

export interface LineSplit {
  orderSku: string;
  quantity: number;
  parts: LinePart[];
  reason: string;
}

export type OptimalSourcingResult =
  | { ok: true; shipments: PlannedShipment[]; cost: number; explanation: OptimalExplanation }
  | { ok: false; reason: string; explanation: OptimalExplanation };

export interface SearchOptions {
  /**
   * Search nodes plus candidates scanned, after which the search stops with the best plan found
   * (`provenOptimal: false`): a deterministic bound on the time a pathological order (tens of lines
   * that no few locations hold together) can take. Orders of a few lines stay far below it.
   */
  workLimit?: number;
}

const defaultWorkLimit = 2_000_000;

function zeroTerms(): SourcingCostTerms {
  return {
    carrierPrice: 0,
    co2: 0,
    handling: 0,
    splitPenalty: 0,
    performance: 0,
    priority: 0,
    lateDays: 0,
    destockingBonus: 0,
    storageSaving: 0,
    total: 0,
  };
}

interface ShipmentPlan {
  c: number;
  candidate: Candidate;
  groups: LineGroup[];
}

/** The plan's shipments, in the order of the first order line each one carries. */
function shipmentsOf(model: SourcingModel, plan: Plan): ShipmentPlan[] {
  const byCandidate = new Map<number, ShipmentPlan>();
  const add = (c: number, group: LineGroup) => {
    const shipment = byCandidate.get(c);
    if (shipment) shipment.groups.push(group);
    else byCandidate.set(c, { c, candidate: model.candidates[c] as Candidate, groups: [group] });
  };
  model.groups.forEach((group, g) => {
    const c = plan.assignment[g] as number;
    if (c >= 0) {
      add(c, group);
      return;
    }
    const sku = (group.lines[0] as { sku: string }).sku;
    for (const part of partsOf(plan, g))
      add(part.c, { orderSku: group.orderSku, lines: [{ sku, quantity: part.units }] });
  });
  return [...byCandidate.values()];
}

/** The parts of split group g in the plan, by candidate. */
function partsOf(plan: Plan, g: number): { c: number; units: number }[] {
  const parts: { c: number; units: number }[] = [];
  for (let i = 0; i < plan.parts.length; i += 3)
    if (plan.parts[i] === g)
      parts.push({ c: plan.parts[i + 1] as number, units: plan.parts[i + 2] as number });
  return parts;
}

function planned(
  model: SourcingModel,
  shipments: ShipmentPlan[],
  request: SourcingRequest,
  profile: SourcingProfile,
  tariff: ParcelTariff | undefined,
): { shipments: PlannedShipment[]; terms: SourcingCostTerms; co2Kg: number } {
  const terms = zeroTerms();
  const { co2PricePerKg } = profile.costs;
  let co2Kg = 0;
  const result = shipments.map(({ c, candidate, groups }, index): PlannedShipment => {
    const lines = mergeStockLines(groups.flatMap((g) => g.lines));
    const fixed = fixedTerms(candidate, profile);
    // Every shipment after the first carries one split penalty: shipment costs add up to the plan's.
    const split = index === 0 ? 0 : profile.costs.splitPenalty;
    let cost = fixed.handling + fixed.performance + fixed.priority + fixed.lateDays + split;
    terms.lateDays += fixed.lateDays;
    terms.handling += fixed.handling;
    terms.performance += fixed.performance;
    terms.priority += fixed.priority;
    terms.splitPenalty += split;
    let weightMg = 0;
    for (const line of lines) {
      const s = model.skus.indexOf(line.sku);
      const availableHere = model.available[c * model.skus.length + s] as number;
      const product = request.products.get(line.sku);
      const unit = unitTerms(candidate, product, availableHere, profile);
      const q = line.quantity;
      weightMg += milligrams(product?.weightKg) * q;
      terms.destockingBonus += unit.destockingBonus * q;
      terms.storageSaving += unit.storageSaving * q;
      cost += (unit.destockingBonus + unit.storageSaving) * q;
    }
    const weightKg = kgOf(weightMg);
    // The offer the search priced the parcel with: the same weight gives the same cheapest offer.
    const offer = tariff && assumedOffer(tariff, weightKg, candidate.distanceKm);
    if (offer) {
      const co2 = offer.co2Kg * co2PricePerKg;
      terms.carrierPrice += offer.price;
      terms.co2 += co2;
      co2Kg += offer.co2Kg;
      cost += offer.price + co2;
    }
    return {
      locationId: candidate.location.locationId,
      lines,
      distanceKm: Math.round(candidate.distanceKm * 10) / 10,
      weightKg,
      cost: roundEur(cost),
      ...(candidate.later && { capacityDay: candidate.later.day }),
      ...(offer && {
        carrier: {
          carrierId: offer.carrierId,
          service: offer.service,
          price: offer.price,
          co2Kg: offer.co2Kg,
        },
      }),
    };
  });
  terms.total =
    terms.carrierPrice +
    terms.co2 +
    terms.handling +
    terms.splitPenalty +
    terms.performance +
    terms.priority +
    terms.lateDays +
    terms.destockingBonus +
    terms.storageSaving;
  return { shipments: result, terms, co2Kg };
}

function nextBestOf(model: SourcingModel, best: Plan, next: Plan | undefined): NextBestPlan | null {
  if (!next) return null;
  const gap = Math.max(0, next.cost - best.cost);
  return {
    cost: next.cost,
    gap,
    gapPct: best.cost === 0 ? null : (gap / Math.abs(best.cost)) * 100,
    shipments: next.locations.length,
    locationIds: [...next.locations].map((c) => (model.candidates[c] as Candidate).location.locationId),
  };
}

/** Why no plan exists: lines no location can ship alone, else the shipments cap, else shared stock. */
function failure(model: SourcingModel, profile: SourcingProfile, complete: boolean, workLimit: number) {
  const n = model.candidates.length;
  const skuCount = model.skus.length;
  const alone = model.groups.filter((_, g) =>
    model.splittable[g]
      ? !model.pieceCost.subarray(g * n, (g + 1) * n).some(Number.isFinite)
      : !model.groupCost.subarray(g * n, (g + 1) * n).some(Number.isFinite),
  );
  if (alone.length > 0)
    return {
      reason: `no eligible location can ship ${alone.map((g) => g.orderSku).join(', ')}`,
      unfilled: mergeStockLines(alone.flatMap((g) => g.lines)),
    };
  // A line that may split still needs its units somewhere among the locations that may ship it.
  const short = model.groups.flatMap((group, g) => {
    if (!model.splittable[g]) return [];
    const s = (model.groupSkus[g] as Int32Array)[0] as number;
    let units = 0;
    for (let c = 0; c < n; c++)
      if (Number.isFinite(model.pieceCost[g * n + c])) units += model.available[c * skuCount + s] as number;
    const wanted = (group.lines[0] as { quantity: number }).quantity;
    return units < wanted ? [{ group, units, wanted }] : [];
  });
  if (short.length > 0)
    return {
      reason: `the eligible locations hold ${short
        .map(({ group, units, wanted }) => `${units} of the ${wanted} units of ${group.orderSku}`)
        .join(', ')}`,
      unfilled: mergeStockLines(short.flatMap(({ group }) => group.lines)),
    };
  const unfilled = mergeStockLines(model.groups.flatMap((g) => g.lines));
  const cap = `${profile.maxShipments} shipments (profile ${profile.id} v${profile.version})`;
  if (!complete) return { reason: `no plan within ${cap} found before the search budget ran out`, unfilled };
  // The fewest shipments that would do, within what is left of the budget.
  let budget = workLimit;
  const parcelsAtMost = model.groups.reduce(
    (sum, group, g) => sum + (model.splittable[g] ? (group.lines[0] as { quantity: number }).quantity : 1),
    0,
  );
  for (let shipments = profile.maxShipments + 1; shipments <= parcelsAtMost && budget > 0; shipments++) {
    const relaxed = searchPlans(model, shipments, budget);
    if (relaxed.best) return { reason: `no plan within ${cap}; the order needs ${shipments}`, unfilled };
    if (!relaxed.complete) return { reason: `no plan within ${cap}`, unfilled };
    budget -= relaxed.work;
  }
  if (budget <= 0) return { reason: `no plan within ${cap}`, unfilled };
  return { reason: 'no set of eligible locations holds enough stock for every line at once', unfilled };
}

/**
 * Why the plan splits lines: no plan under the same rules ships every line whole (the most units
 * of the line one location could send, when that is the reason), or splitting saves money against
 * the best plan that does. Searched only for a plan that splits, within what is left of the budget.
 */
function whySplit(
  model: SourcingModel,
  profile: SourcingProfile,
  best: Plan,
  assignment: OptimalExplanation['assignment'],
  budget: number,
): LineSplit[] {
  const whole = searchPlans(
    { ...model, splittable: new Uint8Array(model.groups.length) },
    profile.maxShipments,
    budget,
  );
  const n = model.candidates.length;
  const skuCount = model.skus.length;
  return model.groups.flatMap((group, g) => {
    const parts = assignment[g]?.parts;
    if (!parts) return [];
    const quantity = (group.lines[0] as { quantity: number }).quantity;
    let reason: string;
    if (whole.best) {
      const saved = roundEur(whole.best.cost - best.cost);
      reason = `splitting saves ${saved.toFixed(2)} EUR against the best plan that ships every line whole (${roundEur(whole.best.cost).toFixed(2)} EUR)`;
    } else if (!whole.complete)
      reason = 'no plan that ships every line whole was found within the search budget';
    else {
      const s = (model.groupSkus[g] as Int32Array)[0] as number;
      let most = 0;
      let where = '';
      for (let c = 0; c < n; c++) {
        if (!Number.isFinite(model.pieceCost[g * n + c])) continue;
        const units = model.available[c * skuCount + s] as number;
        if (units > most) {
          most = units;
          where = (model.candidates[c] as Candidate).location.locationId;
        }
      }
      reason =
        most < quantity
          ? `no eligible location holds all ${quantity} units of ${group.orderSku} (the most at one is ${most}, at ${where})`
          : `no plan within the rules ships every line whole`;
    }
    return [{ orderSku: group.orderSku, quantity, parts, reason }];
  });
}

/**
 * The cheapest plan that ships every line group under the rules, proved optimal by the search in
 * search.ts, with the excluded locations, the cost terms and the gap to the next-best routing.
 * Pure and deterministic: the same request gives the same plan whatever the order of its locations.
 */
export function sourceOptimal(
  request: SourcingRequest,
  profile: SourcingProfile = defaultProfile,
  options: SearchOptions = {},
): OptimalSourcingResult {
  const workLimit = options.workLimit ?? defaultWorkLimit;
  const screening = screenLocations(request, profile);
  const { candidates, excluded } = screening;
  const model = buildModel(request, profile, screening);
  const explanation: OptimalExplanation = {
    strategy: 'exact-branch-and-bound',
    profile: { id: profile.id, version: profile.version },
    destination: request.destination,
    candidates: candidates.length,
    excluded,
    chosen: [],
    costTerms: zeroTerms(),
    assignment: [],
    co2Kg: 0,
    nextBest: null,
    nodesExplored: 0,
    provenOptimal: true,
  };
  if (request.groups.length === 0) return { ok: true, shipments: [], cost: 0, explanation };

  const outcome = searchPlans(model, profile.maxShipments, workLimit);
  explanation.nodesExplored = outcome.nodes;
  explanation.provenOptimal = outcome.complete;
  const { best } = outcome;
  if (!best) {
    const { reason, unfilled } = failure(model, profile, outcome.complete, workLimit - outcome.work);
    return { ok: false, reason, explanation: { ...explanation, unfilled } };
  }
  const { shipments, terms, co2Kg } = planned(
    model,
    shipmentsOf(model, best),
    request,
    profile,
    screening.tariff,
  );
  explanation.chosen = shipments.map((s) => ({
    locationId: s.locationId,
    distanceKm: s.distanceKm,
    skus: s.lines.map((l) => l.sku),
    cost: s.cost,
    ...(s.carrier && { carrier: s.carrier }),
  }));
  explanation.costTerms = terms;
  const late = shipmentsOf(model, best).flatMap(({ candidate }) =>
    candidate.later
      ? [
          {
            locationId: candidate.location.locationId,
            day: candidate.later.day,
            daysLate: candidate.later.daysLate,
            reason: `its preparation slots for today are taken: it ships on ${candidate.later.day}, ${candidate.later.daysLate} carrier day(s) later, and the promise moves with it`,
          },
        ]
      : [],
  );
  if (late.length > 0) explanation.laterDays = late;
  const idOf = (c: number) => (model.candidates[c] as Candidate).location.locationId;
  explanation.assignment = model.groups.map((group, g) => {
    const c = best.assignment[g] as number;
    if (c >= 0) return { orderSku: group.orderSku, locationId: idOf(c) };
    const parts = partsOf(best, g).map(({ c, units }) => ({ locationId: idOf(c), quantity: units }));
    const largest = parts.reduce((a, b) => (b.quantity > a.quantity ? b : a));
    return { orderSku: group.orderSku, locationId: largest.locationId, parts };
  });
  if (best.parts.length > 0)
    explanation.splits = whySplit(model, profile, best, explanation.assignment, workLimit - outcome.work);
  explanation.co2Kg = co2Kg;
  explanation.nextBest = nextBestOf(model, best, outcome.nextBest);
  return { ok: true, shipments, cost: roundEur(terms.total), explanation };
}

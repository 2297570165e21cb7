import { distanceKm, isInDowntime, type Location } from '../network.ts';
import type { LineGroup } from '../orders/lines.ts';
import { mergeStockLines } from '../orders/lines.ts';
import type { DeliveryMode, StockLine } from '../orders/types.ts';
import { costModel, roundEur, shippingCost } from './cost.ts';
import type { Exclusion, PlannedShipment, SourcingRequest, SourcingResult } from './types.ts';

const capabilityFor: Record<DeliveryMode, Location['capabilities'][number]> = {
  home: 'ship',
  click_collect: 'click_collect',
  e_reservation: 'e_reservation',
};

/** Rules every candidate location must pass, in the order they are reported. */
function exclusionOf(location: Location, request: SourcingRequest): Exclusion | undefined {
  const { locationId } = location;
  if (request.excluded.has(locationId)) return { locationId, rule: 'previously-failed' };
  if (request.mode !== 'home' && locationId !== request.storeId)
    return { locationId, rule: 'not-the-chosen-store' };
  if (!location.capabilities.includes(capabilityFor[request.mode]))
    return { locationId, rule: 'capability', detail: `cannot ${capabilityFor[request.mode]}` };
  if (isInDowntime(location, request.at)) return { locationId, rule: 'downtime' };
  return undefined;
}

function handlingAllowed(location: Location, group: LineGroup, request: SourcingRequest): boolean {
  return group.lines.every((line) =>
    (request.products.get(line.sku)?.handling ?? []).every((kind) => location.handling?.includes(kind)),
  );
}

function weightOf(lines: StockLine[], request: SourcingRequest): number {
  return lines.reduce(
    (sum, line) => sum + (request.products.get(line.sku)?.weightKg ?? 0) * line.quantity,
    0,
  );
}

/**
 * Walking-skeleton sourcing: the nearest eligible location that ships the whole order, else the
 * nearest locations one after the other, each taking every line group it can fill whole.
 * Deterministic: ties break on priority, then location id.
 */
export function sourceNearest(request: SourcingRequest): SourcingResult {
  const excluded: Exclusion[] = [];
  const candidates: { location: Location; distance: number }[] = [];
  for (const location of request.locations) {
    const exclusion = exclusionOf(location, request);
    if (exclusion) excluded.push(exclusion);
    else {
      const distance = request.destination ? distanceKm(location, request.destination) : 0;
      candidates.push({ location, distance });
    }
  }
  candidates.sort(
    (a, b) =>
      a.distance - b.distance ||
      (a.location.priority ?? 5) - (b.location.priority ?? 5) ||
      a.location.locationId.localeCompare(b.location.locationId),
  );

  const remaining = new Map(
    candidates.map(({ location }) => [
      location.locationId,
      new Map(request.available.get(location.locationId)),
    ]),
  );
  const canFill = (location: Location, group: LineGroup) =>
    handlingAllowed(location, group, request) &&
    group.lines.every((line) => (remaining.get(location.locationId)?.get(line.sku) ?? 0) >= line.quantity);
  const take = (location: Location, group: LineGroup) => {
    const stock = remaining.get(location.locationId);
    for (const line of group.lines) stock?.set(line.sku, (stock.get(line.sku) ?? 0) - line.quantity);
  };

  const assignment = new Map<string, LineGroup[]>();
  // The whole order from one place: its merged demand must fit (two lines may ask for the same SKU).
  const wholeOrder: LineGroup = {
    orderSku: '*',
    lines: mergeStockLines(request.groups.flatMap((g) => g.lines)),
  };
  const single = candidates.find(({ location }) => canFill(location, wholeOrder));
  let unassigned = request.groups;
  if (single) {
    assignment.set(single.location.locationId, request.groups);
    unassigned = [];
  } else {
    for (const { location } of candidates) {
      const filled: LineGroup[] = [];
      for (const group of unassigned) {
        if (!canFill(location, group)) continue;
        take(location, group);
        filled.push(group);
      }
      if (filled.length > 0) assignment.set(location.locationId, filled);
      unassigned = unassigned.filter((group) => !filled.includes(group));
      if (unassigned.length === 0) break;
    }
  }

  const byId = new Map(candidates.map((c) => [c.location.locationId, c]));
  const shipments: PlannedShipment[] = [...assignment].map(([locationId, groups]) => {
    const candidate = byId.get(locationId);
    const lines = mergeStockLines(groups.flatMap((g) => g.lines));
    const weightKg = weightOf(lines, request);
    const distance = candidate?.distance ?? 0;
    const handling = candidate?.location.handlingCost ?? costModel.defaultHandling;
    const cost = roundEur(costModel.perParcel + shippingCost(distance, weightKg) + handling);
    return { locationId, lines, distanceKm: Math.round(distance * 10) / 10, weightKg, cost };
  });
  const costTerms = {
    shipping: roundEur(shipments.reduce((s, p) => s + shippingCost(p.distanceKm, p.weightKg), 0)),
    parcels: roundEur(shipments.length * costModel.perParcel),
    handling: roundEur(
      shipments.reduce(
        (s, p) => s + (byId.get(p.locationId)?.location.handlingCost ?? costModel.defaultHandling),
        0,
      ),
    ),
  };
  const explanation = {
    strategy: single ? 'nearest-single-location' : 'nearest-greedy-split',
    destination: request.destination,
    candidates: candidates.length,
    excluded,
    chosen: shipments.map((s) => ({
      locationId: s.locationId,
      distanceKm: s.distanceKm,
      skus: s.lines.map((l) => l.sku),
      cost: s.cost,
    })),
    costTerms,
  };
  if (unassigned.length > 0) {
    const unfilled = mergeStockLines(unassigned.flatMap((g) => g.lines));
    return {
      ok: false,
      reason: `no eligible location has stock for ${unassigned.map((g) => g.orderSku).join(', ')}`,
      explanation: { ...explanation, unfilled },
    };
  }
  const cost = roundEur(shipments.reduce((s, p) => s + p.cost, 0));
  return { ok: true, shipments, cost, explanation };
}
